import { ALGS } from '../lib/fixture.js';
import { LIMIT } from '../throughput/contenders/index.js';
import { CALL_MODES } from '../throughput/measure.js';
import type { ThroughputCell, ThroughputResult } from '../throughput/run-throughput.js';

const PANEL_WIDTH = 500;
const LABEL_WIDTH = 170;
const BAR_AREA = 260;
const BAR_HEIGHT = 14;
const BAR_GAP = 5;
const PANEL_TITLE = 30;
const PANEL_PADDING = 16;
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

function panel(result: ThroughputResult, cell: ThroughputCell, x: number, y: number): string {
  const rows = result.rows.filter(
    (row) =>
      row.cell.alg === cell.alg &&
      row.cell.workload === cell.workload &&
      row.cell.mode === cell.mode &&
      row.contender !== LIMIT.name,
  );
  const scale = Math.max(1, ...rows.map((row) => row.ratioToLimit.median)) * 1.08;
  const barsTop = y + PANEL_TITLE;
  const limitX = x + LABEL_WIDTH + BAR_AREA / scale;
  const title = `${cell.alg} · ${cell.workload === 'same' ? 'same token' : 'distinct tokens'} · ${cell.mode === 'serial' ? 'serial' : 'batch 64'}`;
  const parts = [`<text x="${x}" y="${y + 18}" class="title">${escapeXml(title)}</text>`];
  rows.forEach((row, index) => {
    const top = barsTop + index * (BAR_HEIGHT + BAR_GAP);
    const width = Math.max(1, (row.ratioToLimit.median / scale) * BAR_AREA);
    const color = row.contender === 'tokenward' ? TOKENWARD_COLOR : PEER_COLOR;
    parts.push(
      `<text x="${x + LABEL_WIDTH - 6}" y="${top + 11}" class="label">${escapeXml(row.contender)}</text>`,
      `<rect x="${x + LABEL_WIDTH}" y="${top}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"/>`,
      `<text x="${(x + LABEL_WIDTH + width + 4).toFixed(1)}" y="${top + 11}" class="value">${row.ratioToLimit.median.toFixed(2)}×</text>`,
    );
  });
  const bottom = barsTop + rows.length * (BAR_HEIGHT + BAR_GAP);
  parts.push(
    `<line x1="${limitX.toFixed(1)}" y1="${barsTop - 4}" x2="${limitX.toFixed(1)}" y2="${bottom}" class="limit"/>`,
  );
  return parts.join('\n');
}

function panelHeight(result: ThroughputResult, cell: ThroughputCell): number {
  const count = result.rows.filter(
    (row) =>
      row.cell.alg === cell.alg &&
      row.cell.workload === cell.workload &&
      row.cell.mode === cell.mode &&
      row.contender !== LIMIT.name,
  ).length;
  return PANEL_TITLE + count * (BAR_HEIGHT + BAR_GAP) + PANEL_PADDING;
}

/**
 * Small multiples of horizontal bars: one panel per algorithm × workload × call mode, each bar a
 * contender's median ratio to node:crypto in the same round; the dashed line marks 1.0×.
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
.value { font-size: 11px; fill: #495057; }
.limit { stroke: #212529; stroke-width: 1; stroke-dasharray: 4 3; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="20" y="24" class="heading">Verifications per second as a ratio to node:crypto (median of interleaved rounds)</text>
<text x="20" y="42" class="note">Dashed line: the signature-only node:crypto limit (1.0×). Cached contenders can pass it on a repeated token.</text>
${panels.join('\n')}
</svg>
`;
}
