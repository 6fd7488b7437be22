import { Agent, request } from 'node:http';

/**
 * The benchmark's HTTP client, run as its own process so that its work does not share the
 * platform's event loop (a real client is elsewhere too). Reads a LoadSpec as JSON from argv,
 * prints `{ latencies, seconds, cpuMsPerCall }` as JSON on stdout. It uses node:http with
 * keep-alive rather than fetch: on this 2-core machine the client shares the CPU with the
 * platform, and fetch spent ≈2 ms of CPU per call (node:http ≈0.4), which the platform's
 * figures then paid for.
 */
export interface LoadSpec {
  url: string;
  /** When set, client i calls urls[i % urls.length] (and latencies are also given per url). */
  urls?: string[];
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

/** One request on a kept-alive connection; resolves to the status and the body. */
function send(agent: Agent, spec: LoadSpec, url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: spec.method, headers: spec.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

async function main(spec: LoadSpec): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.clients });
  const call = async (url: string) => {
    const { status, text } = await send(agent, spec, url);
    if (status !== spec.status) throw new Error(`answered ${status}: ${text.slice(0, 300)}`);
    if (spec.bodyStatus && JSON.parse(text).status !== spec.bodyStatus) {
      throw new Error(`unexpected result: ${text.slice(0, 300)}`);
    }
  };
  const latencies: number[] = [];
  const byUrl: Record<string, number[]> = {};
  const until = Date.now() + spec.seconds * 1000;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: spec.clients }, async (_, i) => {
      const url = spec.urls ? spec.urls[i % spec.urls.length] : spec.url;
      const mine = (byUrl[url] ??= []);
      while (Date.now() < until) {
        const s = performance.now();
        await call(url);
        const took = performance.now() - s;
        latencies.push(took);
        mine.push(took);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ latencies, seconds, cpuMsPerCall, ...(spec.urls ? { byUrl } : {}) }));
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as LoadSpec).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
