import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import {
  decideExecution,
  domainUpcasters,
  evolveExecutionEvents,
  executionStreamId,
  secretAggregate,
  secretStreamId,
} from '@runlet/domain';
import { AggregateRepository, Database, EventMetadata, EventStore } from '@runlet/event-store';
import { LogStore, logLinesAttachment, logsMigrations } from '@runlet/logs';
import { ProcessRuntime } from '@runlet/runtime';
import {
  BuiltinSecrets,
  SecretProvider,
  SecretResolver,
  SecretValues,
  secretsMigrations,
} from '@runlet/secrets';
import { Cancellations, ExecutionResults, QueuedSnapshot, UnrecordedExecution } from '@runlet/executions';
import { freshDatabase, REDIS_URL } from '@runlet/testing';
import { ArtifactResolver } from './artifact-resolver';
import { ExecutionAttempts } from './execution-attempt';
import { ExecutionRunner } from './execution-runner';
import { RetryPolicy } from './retry-policy';
import { VersionPrewarmer } from './version-prewarmer';

/** A saved and built script version. */
export type SavedVersion = { scriptId: string; version: number; maxAttempts: number };

/**
 * The executor's parts for its own tests, on a fresh database, the real Redis and the real
 * sandbox runtime, with executions of hand-written artifacts (the builder's output format).
 */
export class TestExecutor {
  readonly repo: AggregateRepository;
  readonly logs: LogStore;
  readonly results: ExecutionResults;
  readonly cancellations: Cancellations;
  readonly runtime = new ProcessRuntime({ poolSize: 1 });
  readonly attempts: ExecutionAttempts;
  private readonly redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  private readonly root = mkdtempSync(join(tmpdir(), 'runlet-executor-'));

  /** The builtin store, under a key of this test's own. */
  readonly secretValues: SecretValues;

  private constructor(
    readonly db: Database,
    readonly store: EventStore,
    extraProviders: SecretProvider[] = [],
  ) {
    this.secretValues = new SecretValues(db, randomBytes(32));
    const secrets = new SecretResolver([new BuiltinSecrets(db, this.secretValues), ...extraProviders]);
    this.repo = new AggregateRepository(store);
    this.logs = new LogStore(db, REDIS_URL);
    this.results = new ExecutionResults(REDIS_URL, this.repo);
    this.cancellations = new Cancellations(REDIS_URL);
    const artifacts = new ArtifactResolver(db, store);
    this.attempts = new ExecutionAttempts({
      store,
      logs: this.logs,
      runner: new ExecutionRunner(this.runtime, artifacts, new VersionPrewarmer(this.runtime), secrets),
      retries: new RetryPolicy(artifacts),
      results: this.results,
      cancellations: this.cancellations,
      actor: 'system:test-executor',
    });
  }

  /** `providers`: tried after the builtin store (an Infisical stand-in's, say). */
  static async start(name: string, providers: SecretProvider[] = []): Promise<TestExecutor> {
    const db = await freshDatabase(name, [...logsMigrations, ...secretsMigrations]);
    const executor = new TestExecutor(
      db,
      new EventStore(db, { attachment: logLinesAttachment, upcasters: domainUpcasters }),
      providers,
    );
    await executor.cancellations.start();
    return executor;
  }

  async close(): Promise<void> {
    await this.cancellations.close();
    await this.results.close();
    await this.logs.close();
    await this.runtime.close();
    await this.redis.quit();
    await this.db.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * An execution decided as queued but not recorded: a try-out of `code` (the module's source),
   * or a run of a saved version (see `version`).
   */
  unrecorded(of: string | SavedVersion, secrets?: string[]): { id: string; execution: UnrecordedExecution } {
    const id = randomUUID();
    const what =
      typeof of === 'string'
        ? {
            scriptId: null,
            version: 0,
            trigger: { type: 'try' as const },
            maxAttempts: 1,
            artifactDir: this.artifact(of),
            limits: {
              timeoutMs: 30_000,
              memoryMb: 128,
              network: 'none' as const,
              ...(secrets ? { secrets } : {}),
            },
          }
        : { ...of, trigger: { type: 'manual' as const } };
    const events = decideExecution(
      { type: 'QueueExecution', executionId: id, input: null, ...what },
      undefined,
    );
    const metadata: EventMetadata = { actor: 'test', correlationId: id, causationId: null };
    const state = evolveExecutionEvents(undefined, events, new Date().toISOString())!;
    return { id, execution: { events, metadata, state } };
  }

  /** An execution recorded as queued (see `unrecorded`): its id and the snapshot a job would carry. */
  async queued(of: string | SavedVersion, secrets?: string[]): Promise<{ id: string; from: QueuedSnapshot }> {
    const { id, execution } = this.unrecorded(of, secrets);
    const { events, metadata, state } = execution;
    const appended = await this.store.append({
      streamId: executionStreamId(id),
      expectedVersion: 0,
      events,
      metadata,
    });
    return { id, from: { state, version: appended.streamVersion } };
  }

  /**
   * A saved and built version of a script whose code is `code`; `maxAttempts` is its retry
   * policy, `secrets` what it declares.
   */
  async version(code: string, maxAttempts: number, secrets: string[] = []): Promise<SavedVersion> {
    const scriptId = randomUUID();
    const metadata: EventMetadata = { actor: 'test', correlationId: scriptId, causationId: null };
    const spec = { code, language: 'javascript', dependencies: {}, secrets, timeoutMs: 30_000 };
    await this.store.appendToStream(
      `script-${scriptId}`,
      0,
      [
        {
          type: 'ScriptVersionSaved',
          data: { scriptId, version: 1, ...spec, memoryMb: 128, network: 'none', maxAttempts },
        },
      ],
      metadata,
    );
    await this.store.appendToStream(
      `build-${scriptId}`,
      0,
      [
        {
          type: 'BuildSucceeded',
          data: { buildId: randomUUID(), scriptId, version: 1, artifactDir: this.artifact(code) },
        },
      ],
      metadata,
    );
    return { scriptId, version: 1, maxAttempts };
  }

  /** Sets a builtin secret as the API does: SecretSet on its stream, then the encrypted value. */
  async setSecret(name: string, value: string): Promise<void> {
    const metadata: EventMetadata = { actor: 'test', correlationId: randomUUID(), causationId: null };
    const result = await this.repo.execute(
      secretStreamId(name),
      secretAggregate,
      { type: 'SetSecret', name },
      metadata,
    );
    await this.secretValues.put(name, result.streamVersion, value);
  }

  /** The execution's events, in order. */
  async events(executionId: string) {
    return this.store.readStream(executionStreamId(executionId));
  }

  /** The execution's stored log lines, as [seq, stream, message]. */
  async lines(executionId: string): Promise<Array<[number, string, string]>> {
    await this.logs.flush(executionId);
    return (await this.logs.read(executionId)).items.map((l) => [l.seq, l.stream, l.message]);
  }

  /** Asks whichever executor runs it to cancel the execution, as the API does. */
  cancel(executionId: string): Promise<number> {
    return Cancellations.request(this.redis, executionId);
  }

  /** Resolves once the execution's stream has an event of `type`. */
  async until(executionId: string, type: string): Promise<void> {
    while (!(await this.events(executionId)).some((e) => e.type === type)) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private artifact(code: string): string {
    const dir = join(this.root, randomUUID());
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.mjs'), code);
    const manifest = { entry: 'main.mjs', nodeModulesDir: null, scriptId: 's', version: 1 };
    writeFileSync(join(dir, 'artifact.json'), JSON.stringify(manifest));
    return dir;
  }
}
