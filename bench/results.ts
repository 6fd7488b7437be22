import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { join } from 'node:path';

/** One printed figure, with its goal when it has one. */
export interface Figure {
  label: string;
  value: string | number;
  goal?: string;
  met?: boolean;
}

interface Section {
  title: string;
  figures: Figure[];
}

const sections: Section[] = [];

export function recordSection(title: string, figures: Figure[]): void {
  sections.push({ title, figures });
}

function machine(): Record<string, string> {
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    kernel: release(),
    node: process.version,
  };
}

function markdown(date: string, benches: string[]): string {
  const lines = [`# Runlet benchmark report`, ``, `Run ${date}, benches: ${benches.join(', ')}.`, ``];
  for (const [k, v] of Object.entries(machine())) lines.push(`- ${k}: ${v}`);
  const goals = sections.flatMap((s) => s.figures).filter((f) => f.goal);
  lines.push(``, `Goals: ${goals.filter((f) => f.met).length} of ${goals.length} met.`);
  for (const section of sections) {
    lines.push(``, `## ${section.title}`, ``, `| figure | value | goal | met |`, `|---|---|---|---|`);
    for (const f of section.figures) {
      const cell = (s: string) => s.replace(/\|/g, '\\|');
      lines.push(
        `| ${cell(f.label)} | ${cell(String(f.value))} | ${f.goal ?? ''} | ${f.goal ? (f.met ? 'met' : '**not met**') : ''} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes the run's figures as `bench/results/<date>.md` and `.json`, and `latest.md`/`latest.json`
 * beside them, so one run's figures and their goals are in one place.
 */
export function writeReport(dir: string, benches: string[]): string {
  const date = new Date().toISOString();
  mkdirSync(dir, { recursive: true });
  const stamp = date.replace(/[:.]/g, '-');
  const md = markdown(date, benches);
  const json = JSON.stringify({ date, machine: machine(), benches, sections }, null, 2) + '\n';
  for (const name of [stamp, 'latest']) {
    writeFileSync(join(dir, `${name}.md`), md);
    writeFileSync(join(dir, `${name}.json`), json);
  }
  return join(dir, `${stamp}.md`);
}
