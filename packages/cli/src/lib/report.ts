/** Sections of ✓/✗ lines that `discover` prints, as text or as JSON. */
import type { CheckStatus, Printer } from './output.js';

export interface ReportCheck {
  readonly status: CheckStatus;
  readonly label: string;
  readonly detail: string;
}

export interface ReportSection {
  readonly title: string;
  /** The address the section's checks are about, when there is one. */
  readonly url?: string;
  readonly checks: readonly ReportCheck[];
}

export function printSections(out: Printer, sections: readonly ReportSection[]): void {
  for (const section of sections) {
    out.line(
      `${out.palette.bold(section.title)}${section.url === undefined ? '' : `  ${out.palette.dim(section.url)}`}`,
    );
    for (const check of section.checks) out.check(check.status, check.label, check.detail);
  }
}

/** Counts of failed and warning checks across sections. */
export function tally(sections: readonly ReportSection[]): { failed: number; warnings: number } {
  const all = sections.flatMap((section) => section.checks);
  return {
    failed: all.filter((check) => check.status === 'fail').length,
    warnings: all.filter((check) => check.status === 'warn').length,
  };
}
