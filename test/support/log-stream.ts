import type { TestPlatform } from './platform';

/**
 * The messages of an execution's SSE log tail (`GET /executions/:id/logs/stream`), read until its
 * `end` event; `whenConnected` runs once the stream answered, before it is read.
 */
export async function tailToEnd(
  p: TestPlatform,
  executionId: string,
  whenConnected?: () => Promise<void>,
): Promise<string[]> {
  const res = await fetch(`${p.url}/api/v1/executions/${executionId}/logs/stream`, {
    headers: { authorization: `Bearer ${p.adminKey}` },
  });
  if (!res.headers.get('content-type')?.includes('text/event-stream')) throw new Error(await res.text());
  await whenConnected?.();
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (text.includes('event: end')) break;
  }
  await reader.cancel();
  if (!text.includes('event: end')) throw new Error(`the log stream closed without an end event: ${text}`);
  return [...text.matchAll(/data: (\{.*\})/g)]
    .map((m) => JSON.parse(m[1]))
    .filter((d) => d.message)
    .map((d) => d.message);
}
