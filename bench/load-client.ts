/**
 * The benchmark's HTTP client, run as its own process so that its work does not share the
 * platform's event loop (a real client is elsewhere too). Reads a LoadSpec as JSON from argv,
 * prints `{ latencies, seconds }` as JSON on stdout.
 */
export interface LoadSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  clients: number;
  seconds: number;
  /** Every answer must have this HTTP status… */
  status: number;
  /** …and, when set, this `status` field in its JSON body. */
  bodyStatus?: string;
}

async function main(spec: LoadSpec): Promise<void> {
  const call = async () => {
    const res = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
    const text = await res.text();
    if (res.status !== spec.status) throw new Error(`answered ${res.status}: ${text.slice(0, 300)}`);
    if (spec.bodyStatus && JSON.parse(text).status !== spec.bodyStatus) {
      throw new Error(`unexpected result: ${text.slice(0, 300)}`);
    }
  };
  const latencies: number[] = [];
  const until = Date.now() + spec.seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: spec.clients }, async () => {
      while (Date.now() < until) {
        const s = performance.now();
        await call();
        latencies.push(performance.now() - s);
      }
    }),
  );
  process.stdout.write(JSON.stringify({ latencies, seconds: (performance.now() - t0) / 1000 }));
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as LoadSpec).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
