import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** moto_server from MOTO_SERVER, PATH or pyenv's shims; a clear error when it is not installed. */
export function motoServerPath(): string {
  const candidates = [
    process.env.MOTO_SERVER,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'moto_server')),
    join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'shims', 'moto_server'),
    '/root/.pyenv/shims/moto_server',
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `moto_server not found (looked at MOTO_SERVER, PATH and ~/.pyenv/shims): install it with pip install 'moto[server]' ` +
        `— the CloudWatch Logs tests need it as their stand-in`,
    );
  }
  return found;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A local moto_server: the stand-in for AWS services (CloudWatch Logs here) that the real SDK
 * talks to. Stopping it loses all its state, as a restarted moto starts empty.
 */
export class MotoServer {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(port?: number): Promise<MotoServer> {
    const moto = new MotoServer(port ?? (await freePort()));
    await moto.restart();
    return moto;
  }

  /** Starts it (again) on its port; resolves once it answers. */
  async restart(): Promise<void> {
    if (this.child) return;
    const child = spawn(motoServerPath(), ['-H', '127.0.0.1', '-p', String(this.port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    this.child = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
      try {
        const res = await fetch(`${this.endpoint}/moto-api/`);
        if (res.status < 500) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${this.endpoint}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Kills it (its state is gone) and waits for the port to close. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  }
}
