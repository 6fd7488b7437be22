import { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { eventStoreMigrations } from './migrations';

export interface DatabaseOptions {
  url: string;
  /** 'postgres' here and in tests, 'cockroachdb' in production. */
  type?: 'postgres' | 'cockroachdb';
  poolSize?: number;
  /** Migrations of the other libraries, applied after the event store's own. */
  migrations?: Function[];
}

export type Queryable = Pick<EntityManager, 'query'>;

const SERIALIZATION_FAILURE = '40001';

/**
 * The connection pool of a process (and the appender's own connections). Runs the migrations on start and retries whole
 * transactions on SQLSTATE 40001, which CockroachDB returns routinely under contention.
 */
export class Database {
  readonly dataSource: DataSource;

  constructor(readonly options: DatabaseOptions) {
    this.dataSource = new DataSource({
      type: options.type ?? 'postgres',
      url: options.url,
      migrations: [...eventStoreMigrations, ...(options.migrations ?? [])],
      migrationsTableName: 'schema_migrations',
      migrationsTransactionMode: 'each',
      extra: { max: options.poolSize ?? 20 },
      ...(options.type === 'cockroachdb' ? { timeTravelQueries: false } : {}),
    } as any);
  }

  async connect(): Promise<void> {
    if (!this.dataSource.isInitialized) await this.dataSource.initialize();
  }

  /** Idempotent: applies only the migrations not applied yet. */
  async migrate(): Promise<void> {
    await this.connect();
    await withSerializationRetry(() => this.dataSource.runMigrations({ transaction: 'each' }));
  }

  private closing?: Promise<void>;
  private hotPool?: Pool;

  /** Idempotent: several modules may close the shared pool on shutdown. */
  close(): Promise<void> {
    this.closing ??= Promise.all([
      this.dataSource.isInitialized ? this.dataSource.destroy() : undefined,
      this.hotPool?.end(),
    ]).then(() => undefined);
    return this.closing;
  }

  query<T = any>(sql: string, params?: unknown[]): Promise<T[]> {
    return withSerializationRetry(() => this.dataSource.query(sql, params));
  }

  /**
   * A named prepared statement on the hot-path connections: a small pool of their own, so the
   * appender (one group in flight at a time) never queues behind other queries. PostgreSQL is
   * told to keep a prepared statement's generic plan; by default it plans the append again for
   * each call's parameters, which cost more than executing it (measured: 1.0 → 0.72 ms).
   */
  prepared<T = any>(name: string, sql: string, params: unknown[]): Promise<T[]> {
    const pool = (this.hotPool ??= this.createHotPool());
    return withSerializationRetry(async () => (await pool.query({ name, text: sql, values: params })).rows);
  }

  private createHotPool(): Pool {
    const pool = new Pool({
      connectionString: this.options.url,
      max: 2,
      ...(this.options.type === 'cockroachdb' ? {} : { options: '-c plan_cache_mode=force_generic_plan' }),
    });
    pool.on('error', () => undefined); // an idle connection that dropped is replaced on next use
    return pool;
  }

  /** Runs `work` in one transaction, retried as a whole on a serialization failure. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return withSerializationRetry(() => this.dataSource.transaction((em) => work(em)));
  }
}

export async function withSerializationRetry<T>(work: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || sqlState(err) !== SERIALIZATION_FAILURE) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.driverError?.code ?? e?.code;
}

/** TypeORM `query` returns `[rows, count]` for UPDATE/DELETE … RETURNING on postgres. */
export function rowsOf<T>(result: any): T[] {
  return Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
    ? result[0]
    : result;
}
