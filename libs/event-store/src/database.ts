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
 * The one connection pool of a process. Runs the migrations on start and retries whole
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

  /** Idempotent: several modules may close the shared pool on shutdown. */
  close(): Promise<void> {
    this.closing ??= this.dataSource.isInitialized ? this.dataSource.destroy() : Promise.resolve();
    return this.closing;
  }

  query<T = any>(sql: string, params?: unknown[]): Promise<T[]> {
    return withSerializationRetry(() => this.dataSource.query(sql, params));
  }

  /**
   * A named prepared statement on the underlying pg pool: planned once per connection, which
   * matters on the append hot path where planning costs more than executing.
   */
  prepared<T = any>(name: string, sql: string, params: unknown[]): Promise<T[]> {
    const pool = (this.dataSource.driver as any).master;
    return withSerializationRetry(async () => (await pool.query({ name, text: sql, values: params })).rows);
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
