import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

/**
 * A script that leaves processes behind: each kind is started, seen running, and the run returns.
 * Strays ignore SIGTERM/SIGHUP and carry the tag in their command line so the host can find them.
 * /bin/sh is not in the sandbox, so every stray is a node process (process.execPath).
 */
const LEAVER = `
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const node = process.execPath;
const stray = (tag) => ['-e', 'process.on("SIGTERM",()=>{});process.on("SIGHUP",()=>{});setInterval(()=>{},1000)', tag];
const spawnStray = (tag) => "require('child_process').spawn(process.execPath, " + JSON.stringify(stray(tag)) + ", { detached: true, stdio: 'ignore' }).unref()";

function processes() {
  return fs.readdirSync('/proc').filter((name) => /^\\d+$/.test(name)).flatMap((pid) => {
    try {
      return [{ pid: Number(pid), cmd: fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0').join(' ').trim() }];
    } catch {
      return [];
    }
  });
}

export default async function (event) {
  const { kind, tag } = event.http.body ?? {};
  if (kind === 'detached') spawn(node, stray(tag), { detached: true, stdio: 'ignore' }).unref();
  if (kind === 'double-fork') spawn(node, ['-e', spawnStray(tag)], { stdio: 'ignore' });
  if (kind === 'attached') spawn(node, stray(tag), { stdio: 'ignore' });
  // Keeps starting new setsid strays until killed: it races whatever cleans up after the run.
  if (kind === 'respawner')
    spawn(node, ['-e', 'setInterval(() => {' + spawnStray(tag) + '}, 20)', tag], { detached: true, stdio: 'ignore' }).unref();
  if (tag) {
    for (let i = 0; i < 200 && !processes().some((p) => p.cmd.endsWith(tag)); i++)
      await new Promise((r) => setTimeout(r, 25));
  }
  return { harness: process.pid, parent: process.ppid, processes: processes() };
}`;

/** Counts the ticks of a module-level timer that fall between runs (i.e. while the sandbox is idle). */
const IDLE_TICKER = `
let running = false;
let idleTicks = 0;
let runs = 0;
setInterval(() => { if (!running) idleTicks++; }, 20);
export default async function () {
  running = true;
  const ticks = idleTicks;
  idleTicks = 0;
  runs++;
  await new Promise((r) => setTimeout(r, 10));
  running = false;
  return { ticks, runs };
}`;

/** `npm run test:docker` runs these in containers (RUNLET_RUNTIME=docker): one container per execution. */
const DOCKER = process.env.RUNLET_RUNTIME === 'docker';

describe(`sandbox: no process outlives its execution in a warm sandbox (${DOCKER ? 'real Docker containers' : 'real bwrap, cgroups'})`, () => {
  let p: TestPlatform;
  let leaver: string;
  const hook = async (triggerId: string, body: unknown = {}) => {
    const res = await fetch(`${p.url}/hooks/${triggerId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  const webhookOf = async (scriptId: string): Promise<string> => {
    const res = await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http' });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  /** Host-side: processes anywhere on the machine whose command line ends with the tag. */
  const onHost = (tag: string): string[] =>
    execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim().endsWith(tag));
  const pollUntil = async (condition: () => Promise<boolean> | boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await condition()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };

  beforeAll(async () => {
    p = await startPlatform('sandboxprocs', { roles: ['api', 'builder', 'executor'] });
    leaver = await webhookOf(await createBuiltScript(p, { name: 'leaver', code: LEAVER }));
  });
  afterAll(() => p.close());

  it.each([
    ['a detached (setsid) child', 'detached'],
    ['a double-forked grandchild (orphaned to the sandbox init)', 'double-fork'],
    ['a plain child ignoring SIGTERM and SIGHUP', 'attached'],
    ['a child that keeps starting setsid grandchildren', 'respawner'],
  ])('%s is gone within 1 s of the run ending, and the next run sees only the harness', async (_, kind) => {
    const tag = `runlet-stray-${randomUUID()}`;
    const started = await hook(leaver, { kind, tag });
    // The stray really ran inside the sandbox while the run was going on.
    expect(started.processes.some((proc: { cmd: string }) => proc.cmd.endsWith(tag))).toBe(true);

    await pollUntil(() => onHost(tag).length === 0, 1000);
    expect(onHost(tag)).toEqual([]);
    let next: { harness: number; parent: number; processes: { pid: number }[] } = {
      harness: 0,
      parent: 0,
      processes: [],
    };
    const expected = () => [...new Set([1, next.parent, next.harness])].sort();
    await pollUntil(async () => {
      next = await hook(leaver);
      return next.processes.length <= expected().length;
    }, 1000);
    // The init (pid 1: bwrap's, or the container's), the harness answering this very run and its
    // parent (the init in bwrap; the container entry in a container): nothing else.
    expect(next.processes.map((proc: { pid: number }) => proc.pid).sort()).toEqual(expected());
  });

  it('an idle warm sandbox does no work between runs (it is frozen)', async () => {
    const ticker = await webhookOf(await createBuiltScript(p, { name: 'ticker', code: IDLE_TICKER }));
    await hook(ticker);
    await new Promise((r) => setTimeout(r, 1000)); // idle: a running 20 ms timer would tick ~50 times
    const second = await hook(ticker);
    // The same warm instance served both runs; a container serves one execution, and its
    // warm successor imports the script only when its run arrives.
    expect(second.runs).toBe(DOCKER ? 1 : 2);
    expect(second.ticks).toBeLessThan(5);
  });
});
