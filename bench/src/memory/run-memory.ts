import { exchange, forkModule, stopChild } from '../lib/child.js';
import type { BenchOptions } from '../lib/options.js';
import type { MemoryJob, MemoryReport } from './messages.js';

/** One run in a fresh `--expose-gc` child: memory is a single long measurement, not rounds. */
export async function runMemory(options: BenchOptions): Promise<MemoryReport> {
  const child = forkModule(new URL('./memory-child.js', import.meta.url), ['--expose-gc']);
  try {
    return await exchange<MemoryReport>(child, { tokens: options.memoryTokens } satisfies MemoryJob);
  } finally {
    await stopChild(child);
  }
}
