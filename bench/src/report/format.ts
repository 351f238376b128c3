import type { Summary } from '../lib/stats.js';

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** `41,230` — whole operations or requests per second. */
export function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

export function formatMs(milliseconds: number): string {
  if (milliseconds >= 100) return milliseconds.toFixed(0);
  return milliseconds >= 10 ? milliseconds.toFixed(1) : milliseconds.toFixed(2);
}

/** A signed change in memory, `+12.3 MiB` or `−0.4 MiB`. */
export function formatBytes(bytes: number): string {
  return `${bytes < 0 ? '−' : '+'}${(Math.abs(bytes) / (1024 * 1024)).toFixed(1)} MiB`;
}

export function formatSize(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `median (min–max)` with one formatter for all three. */
export function formatSummary(summary: Summary, format: (value: number) => string): string {
  return `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}
