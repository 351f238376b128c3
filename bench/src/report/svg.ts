import { ALGS } from '../lib/fixture.js';
import { isTokenward, LIMIT } from '../throughput/contenders/index.js';
import { CALL_MODES } from '../throughput/measure.js';
import type { ThroughputCell, ThroughputResult, ThroughputRow } from '../throughput/run-throughput.js';

const PANEL_WIDTH = 560;
const LABEL_WIDTH = 220;
const BAR_AREA = 260;
const BAR_HEIGHT = 14;
const BAR_GAP = 5;
const PANEL_TITLE = 30;
const PANEL_PADDING = 16;
const AXIS_LABELS = 14;
const HEADER = 56;
const TOKENWARD_COLOR = '#d9480f';
const PEER_COLOR = '#868e96';

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** Log scale: ratios span 0.05× (slow peers) to several hundred × (cache hits on a repeated token). */
const SCALE_MIN = 0.03;

function scaleFor(maxRatio: number): (ratio: number) => number {
  const top = Math.log10(Math.max(2, maxRatio * 1.5));
  const bottom = Math.log10(SCALE_MIN);
  return (ratio) => ((Math.log10(Math.max(ratio, SCALE_MIN)) - bottom) / (top - bottom)) * BAR_AREA;
}

function ticks(
  x: number,
  top: number,
  bottom: number,
  scale: (ratio: number) => number,
  maxRatio: number,
): string[] {
  const parts: string[] = [];
  for (let power = -1; 10 ** power <= Math.max(2, maxRatio * 1.5); power++) {
    const tickX = (x + LABEL_WIDTH + scale(10 ** power)).toFixed(1);
    const label = `${10 ** power}×`;
    parts.push(
      `<line x1="${tickX}" y1="${top}" x2="${tickX}" y2="${bottom}" class="${power === 0 ? 'limit' : 'tick'}"/>`,
      `<text x="${tickX}" y="${bottom + 12}" class="axis">${label}</text>`,
    );
  }
  return parts;
}

function rowsOfCell(result: ThroughputResult, cell: ThroughputCell): ThroughputRow[] {
  return result.rows.filter(
    (row) =>
      row.cell.alg === cell.alg &&
      row.cell.workload === cell.workload &&
      row.cell.mode === cell.mode &&
      row.contender !== LIMIT.name,
  );
}

function panel(result: ThroughputResult, cell: ThroughputCell, x: number, y: number): string {
  const rows = rowsOfCell(result, cell);
  const maxRatio = Math.max(...rows.map((row) => row.ratioToLimit.median));
  const scale = scaleFor(maxRatio);
  const barsTop = y + PANEL_TITLE;
  const title = `${cell.alg} · ${cell.workload === 'same' ? 'same token' : 'distinct tokens'} · ${cell.mode === 'serial' ? 'serial' : 'batch 64'}`;
  const bottom = barsTop + rows.length * (BAR_HEIGHT + BAR_GAP);
  const parts = [
    `<text x="${x}" y="${y + 18}" class="title">${escapeXml(title)}</text>`,
    ...ticks(x, barsTop - 4, bottom, scale, maxRatio),
  ];
  rows.forEach((row, index) => {
    const top = barsTop + index * (BAR_HEIGHT + BAR_GAP);
    const width = Math.max(1, scale(row.ratioToLimit.median));
    const color = isTokenward(row.contender) ? TOKENWARD_COLOR : PEER_COLOR;
    parts.push(
      `<text x="${x + LABEL_WIDTH - 6}" y="${top + 11}" class="label">${escapeXml(row.contender)}</text>`,
      `<rect x="${x + LABEL_WIDTH}" y="${top}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"/>`,
      `<text x="${(x + LABEL_WIDTH + width + 4).toFixed(1)}" y="${top + 11}" class="value">${row.ratioToLimit.median.toFixed(2)}×</text>`,
    );
  });
  return parts.join('\n');
}

function panelHeight(result: ThroughputResult, cell: ThroughputCell): number {
  return PANEL_TITLE + rowsOfCell(result, cell).length * (BAR_HEIGHT + BAR_GAP) + PANEL_PADDING + AXIS_LABELS;
}

/**
 * Small multiples of horizontal bars on a log scale: one panel per algorithm × workload × call
 * mode, each bar a contender's median ratio to node:crypto in the same round; dashed line: 1×.
 */
export function renderRatioChart(result: ThroughputResult): string {
  const panels: string[] = [];
  let y = HEADER;
  for (const alg of ALGS) {
    for (const workload of ['same', 'distinct'] as const) {
      const cells = CALL_MODES.map((mode): ThroughputCell => ({ alg, workload, mode }));
      cells.forEach((cell, column) => {
        panels.push(panel(result, cell, 20 + column * PANEL_WIDTH, y));
      });
      y += Math.max(...cells.map((cell) => panelHeight(result, cell)));
    }
  }
  const width = 20 + CALL_MODES.length * PANEL_WIDTH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, sans-serif">
<style>
.title { font-size: 14px; font-weight: 600; fill: #212529; }
.heading { font-size: 16px; font-weight: 700; fill: #212529; }
.note { font-size: 12px; fill: #495057; }
.label { font-size: 12px; fill: #343a40; text-anchor: end; }
.value { font-size: 11px; fill: #495057; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; }
.limit { stroke: #212529; stroke-width: 1; stroke-dasharray: 4 3; }
.tick { stroke: #dee2e6; stroke-width: 1; }
.axis { font-size: 10px; fill: #868e96; text-anchor: middle; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="20" y="24" class="heading">Verifications per second as a ratio to node:crypto (median of interleaved rounds)</text>
<text x="20" y="42" class="note">Log scale. Dashed line: the signature-only node:crypto limit (1×). Cached contenders pass it on a repeated token.</text>
${panels.join('\n')}
</svg>
`;
}
