import { recordSection, type Figure } from './results';

/** Small helpers for printing benchmark figures. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summarize(samplesMs: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;

/** A goal beside a figure: what it should be, and whether this run met it. */
export interface Goal {
  goal: string;
  met: boolean;
}

/** A goal that a number meets when it is at most `limit` (`≤ 25 ms`). */
export const atMost = (value: number, limit: number, unit = ''): Goal => ({
  goal: `≤ ${limit}${unit && ` ${unit}`}`,
  met: value <= limit,
});

/** A goal that a number meets when it is at least `limit` (`≥ 1000 /s`). */
export const atLeast = (value: number, limit: number, unit = ''): Goal => ({
  goal: `≥ ${limit}${unit && ` ${unit}`}`,
  met: value >= limit,
});

export type Row = [label: string, value: string | number, goal?: Goal];

/** Prints a section of figures and records it for the run's report (bench/results/). */
export function report(title: string, rows: Row[]): void {
  console.log(`\n## ${title}`);
  const figures: Figure[] = [];
  for (const [label, value, goal] of rows) {
    const mark = goal ? `   goal ${goal.goal}: ${goal.met ? 'met' : 'NOT met'}` : '';
    console.log(`  ${label.padEnd(48)} ${value}${mark}`);
    figures.push({ label, value, ...(goal ?? {}) });
  }
  recordSection(title, figures);
}
