import type { LogLine } from '@runlet/contracts';
import type { ChannelSubscriber } from './channel-subscriber';
import { decodeMessage, logChannel } from './log-channel';

export interface TailSources {
  subscriber: ChannelSubscriber;
  /** A page of stored lines with seq > after, in seq order; `nextCursor` null on the last page. */
  read(executionId: string, after: number): Promise<{ items: LogLine[]; nextCursor: string | null }>;
  /** Whether the execution is over by its durable record (and its lines are therefore all stored). */
  hasEnded(): Promise<boolean>;
}

/**
 * Stored lines, then live ones, each once, in seq order. Subscribing before reading closes the
 * seam: a line is published only after it is stored, so one that the read misses arrives live;
 * one seen both ways is dropped by seq. The end comes as a live message to a tail subscribed
 * before it, or from `hasEnded` (asked after subscribing) to one that joins later; either way the
 * store is read once more, so a live message lost to a Redis hiccup is still shown before `onEnd`.
 */
export async function openTail(
  sources: TailSources,
  executionId: string,
  after: number | undefined,
  onLine: (line: LogLine) => void,
  onEnd: () => void,
): Promise<() => void> {
  let lastSeq = after ?? -1;
  let closed = false;
  let unsubscribe: () => void = () => undefined;

  const emit = (lines: LogLine[]) => {
    for (const line of lines) {
      if (closed || line.seq <= lastSeq) continue;
      lastSeq = line.seq;
      onLine(line);
    }
  };
  const catchUp = async () => {
    for (;;) {
      const page = await sources.read(executionId, lastSeq);
      emit(page.items);
      if (page.nextCursor === null || closed) return;
    }
  };
  const stop = () => {
    closed = true;
    unsubscribe();
  };
  const finish = () => {
    if (closed) return;
    stop();
    onEnd();
  };

  // Messages are handled strictly one after another, and only after the initial read.
  let start!: () => void;
  const initial = new Promise<void>((r) => (start = r)).then(async () => {
    const ended = await sources.hasEnded();
    await catchUp();
    if (ended) finish();
  });
  let queue: Promise<void> = initial.catch(() => undefined);

  const onMessage = (raw: string) => {
    const message = decodeMessage(raw);
    if (!message) return;
    queue = queue
      .then(async () => {
        if (closed) return;
        if ('lines' in message) return emit(message.lines);
        await catchUp().catch(() => undefined);
        finish();
      })
      // A throwing callback must not wedge the queue for the messages behind it.
      .catch(() => undefined);
  };

  unsubscribe = await sources.subscriber.subscribe(logChannel(executionId), onMessage);
  start();
  try {
    await initial;
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
}
