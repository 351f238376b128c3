/**
 * SECURITY.md lists the suite's families with their case counts; this test holds the table to
 * the rows the runners actually execute, so the document cannot drift from the suite.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { familyCounts } from './cases/index.js';

const START = '<!-- suite-counts:start -->';
const END = '<!-- suite-counts:end -->';

/** The table SECURITY.md must hold, generated from the suite. */
export function countsTable(): string {
  const counts = familyCounts();
  const tableDriven = counts
    .filter(({ family }) => !family.startsWith('properties:'))
    .reduce((sum, { cases }) => sum + cases, 0);
  return [
    '| family | cases | run through |',
    '| --- | ---: | --- |',
    ...counts.map(({ family, cases, runs }) => `| ${family} | ${cases} | ${runs} |`),
    `| **table-driven cases** | **${tableDriven}** | each through everything its family names |`,
  ].join('\n');
}

/** The table's rows as trimmed cells, without the alignment row. */
function cells(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

it('SECURITY.md lists every family of the suite with its case count', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../SECURITY.md'), 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  expect(start, 'SECURITY.md has the suite-counts markers').toBeGreaterThan(-1);
  // Compared cell by cell, so a formatter may align the columns; on a mismatch the expected rows
  // are the table to put between the markers.
  expect(cells(text.slice(start + START.length, end))).toEqual(cells(countsTable()));
});
