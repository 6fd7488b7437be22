import { FindSecrets, formsOf, maskRanges, secretFinder } from './masker';

interface Held<L> {
  line: L;
  ranges: Array<[number, number]>;
}

/** How long a line that may continue into the next one is held back when no next line comes. */
const HOLD_MS = 100;

/**
 * Masks a stream of log lines, also where a secret is spread over consecutive lines (a script
 * that writes it in two pieces, each ending its line). A line whose end could be the start of a
 * secret's form is held back until the next line shows whether it is (or HOLD_MS passes, or
 * `flush`); lines are emitted in order, each masked where a form covers any part of it.
 */
export class LineMasker<L extends { message: string }> {
  private readonly find: FindSecrets;
  private readonly forms: string[];
  private held: Held<L>[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    secretValues: readonly string[],
    private readonly emit: (line: L) => void,
    private readonly holdMs = HOLD_MS,
  ) {
    this.forms = formsOf(secretValues);
    this.find = secretFinder(this.forms);
  }

  push(line: L): void {
    if (this.forms.length === 0) return this.emit(line);
    if (typeof line.message !== 'string') return this.emit(line);
    this.held.push({ line, ranges: this.find(line.message) });
    const text = this.held.map((h) => h.line.message).join('');
    // A form found across the held lines masks its part of each line it touches.
    const spans = this.find(text);
    let offset = 0;
    for (const held of this.held) {
      const end = offset + held.line.message.length;
      for (const [from, to] of spans)
        if (from < end && to > offset)
          held.ranges.push([Math.max(from, offset) - offset, Math.min(to, end) - offset]);
      offset = end;
    }
    // Lines wholly before the text's longest ending that starts a form are settled.
    const keepFrom = text.length - this.openEnd(text);
    let settled = 0;
    offset = 0;
    for (const held of this.held) {
      offset += held.line.message.length;
      if (offset > keepFrom) break;
      settled++;
    }
    this.release(settled);
    clearTimeout(this.timer);
    if (this.held.length > 0) {
      this.timer = setTimeout(() => this.flush(), this.holdMs);
      this.timer.unref?.();
    }
  }

  /** Emits every held line (at the end of the execution). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.release(this.held.length);
  }

  private release(count: number): void {
    for (const { line, ranges } of this.held.splice(0, count))
      this.emit({ ...line, message: maskRanges(line.message, ranges) });
  }

  /** The length of the longest end of `text` that is a proper beginning of some form (0: none). */
  private openEnd(text: string): number {
    let longest = 0;
    for (const form of this.forms) {
      for (let length = Math.min(form.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(form.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
