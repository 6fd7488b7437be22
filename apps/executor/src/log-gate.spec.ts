import type { LogLine } from '@runlet/contracts';
import { LogGate } from './log-gate';

const line = (seq: number): LogLine => ({
  seq,
  ts: '2026-01-01T00:00:00.000Z',
  level: 'info',
  stream: 'stdout',
  message: `line ${seq}`,
});

describe('LogGate (log lines of an attempt not yet known to be this worker’s)', () => {
  it('holds lines until opened, then passes them on in order, and later ones at once', () => {
    const out: number[] = [];
    const gate = new LogGate((l) => out.push(l.seq));
    gate.write(line(0));
    gate.write(line(1));
    expect(out).toEqual([]);
    gate.open();
    expect(out).toEqual([0, 1]);
    gate.write(line(2));
    expect(out).toEqual([0, 1, 2]);
  });

  it('drops what it held and everything after when the attempt turns out not to be ours', () => {
    const out: number[] = [];
    const gate = new LogGate((l) => out.push(l.seq));
    gate.write(line(0));
    gate.drop();
    gate.write(line(1));
    expect(out).toEqual([]);
  });

  it('knows the greatest seq written, held, passed on or dropped, for a line to add after them', () => {
    const gate = new LogGate(() => undefined);
    expect(gate.lastSeq).toBe(-1);
    gate.write(line(3));
    gate.write(line(2));
    gate.drop();
    gate.write(line(7));
    expect(gate.lastSeq).toBe(7);
  });
});
