import { randomUUID } from 'node:crypto';
import { EventType } from '@runlet/domain';
import { CompositeHandler, Database, EventStore, NewEvent, SubscriptionRunner } from '@runlet/event-store';
import { freshDatabase } from '@runlet/testing';
import { ExecutionsProjection } from './executions/executions.projection';
import { ExecutionsQuery } from './executions/executions.query';
import { READ_MODELS_SUBSCRIPTION } from './index';
import { readModelMigrations } from './migrations';
import { ScriptsProjection } from './scripts/scripts.projection';
import { ScriptsQuery } from './scripts/scripts.query';
import { TriggersProjection } from './triggers/triggers.projection';
import { TriggersQuery } from './triggers/triggers.query';
import { TriggerSecretVault } from './triggers/trigger-secret-vault';

const meta = { actor: 'test', correlationId: 'c', causationId: null };
const spec = {
  code: 'export default () => 1',
  language: 'javascript',
  dependencies: {},
  secrets: [],
  timeoutMs: 1000,
  memoryMb: 64,
  network: 'none',
};

/** The queries the roles read on their paths (webhook, tick, notification), over projected events. */
describe('read-model queries (real PostgreSQL)', () => {
  let db: Database;
  let store: EventStore;
  let scripts: ScriptsQuery;
  let triggers: TriggersQuery;
  let executions: ExecutionsQuery;

  beforeAll(async () => {
    db = await freshDatabase('read_model_queries', readModelMigrations);
    store = new EventStore(db);
    scripts = new ScriptsQuery(db);
    triggers = new TriggersQuery(db);
    executions = new ExecutionsQuery(db);
  });
  afterAll(() => db.close());

  const append = (streamId: string, ...events: NewEvent[]) =>
    store.append({ streamId, expectedVersion: 'any', events, metadata: meta });

  /** Applies everything appended so far to the read models. */
  async function project(): Promise<void> {
    const runner = new SubscriptionRunner(
      db,
      store,
      new CompositeHandler(READ_MODELS_SUBSCRIPTION, [
        new ScriptsProjection(),
        new TriggersProjection(),
        new ExecutionsProjection(),
      ]),
    );
    await runner.drain();
    await runner.stop();
  }

  async function script(opts: { deploy?: number; archive?: boolean; notifyUrl?: string } = {}) {
    const scriptId = randomUUID();
    const events: NewEvent[] = [
      { type: EventType.ScriptCreated, data: { scriptId, name: `s-${scriptId}` } },
      { type: EventType.ScriptVersionSaved, data: { scriptId, version: 1, ...spec } },
      {
        type: EventType.ScriptVersionSaved,
        data: { scriptId, version: 2, ...spec, notifyUrl: opts.notifyUrl },
      },
    ];
    if (opts.deploy)
      events.push({
        type: EventType.ScriptVersionDeployed,
        data: { scriptId, version: opts.deploy, previousVersion: null },
      });
    if (opts.archive) events.push({ type: EventType.ScriptArchived, data: { scriptId } });
    await append(`script-${scriptId}`, ...events);
    return scriptId;
  }

  async function trigger(scriptId: string, opts: { notifyUrl?: string; deleted?: boolean } = {}) {
    const triggerId = randomUUID();
    const events: NewEvent[] = [
      {
        type: EventType.TriggerCreated,
        data: {
          triggerId,
          scriptId,
          triggerType: 'http',
          overlap: 'allow',
          catchUp: 'none',
          auth: 'token',
          mode: 'sync',
          notifyUrl: opts.notifyUrl,
          secretHash: 'hash-1',
        },
      },
    ];
    if (opts.deleted) events.push({ type: EventType.TriggerDeleted, data: { triggerId } });
    await append(`trigger-${triggerId}`, ...events);
    return triggerId;
  }

  async function execution(scriptId: string, triggerId: string, ...then: string[]) {
    const executionId = randomUUID();
    const base = { executionId, scriptId, attempt: 1 };
    const outcome: Record<string, NewEvent> = {
      started: { type: EventType.ExecutionStarted, data: base },
      succeeded: { type: EventType.ExecutionSucceeded, data: { ...base, result: 1, durationMs: 3 } },
    };
    await append(
      `execution-${executionId}`,
      {
        type: EventType.ExecutionQueued,
        data: { executionId, scriptId, version: 1, trigger: { type: 'http', id: triggerId }, input: null },
      },
      ...then.map((step) => outcome[step]),
    );
    return executionId;
  }

  describe('ScriptsQuery.deployedVersion', () => {
    it('is the deployed version of a live script, null when nothing is deployed, archived or unknown', async () => {
      const deployed = await script({ deploy: 2 });
      const undeployed = await script();
      const archived = await script({ deploy: 1, archive: true });
      await project();
      expect(await scripts.deployedVersion(deployed)).toBe(2);
      expect(await scripts.deployedVersion(undeployed)).toBeNull();
      expect(await scripts.deployedVersion(archived)).toBeNull();
      expect(await scripts.deployedVersion(randomUUID())).toBeNull();
    });
  });

  describe('ScriptsQuery.versionNotifyUrl', () => {
    it('is the notifyUrl of that version only, archived scripts included', async () => {
      const id = await script({ notifyUrl: 'https://example.test/hook', archive: true });
      await project();
      expect(await scripts.versionNotifyUrl(id, 2)).toBe('https://example.test/hook');
      expect(await scripts.versionNotifyUrl(id, 1)).toBeNull();
    });
  });

  describe('TriggersQuery.target', () => {
    it('is a live trigger with its script deployed version; nothing for a deleted trigger or an archived script', async () => {
      const live = await script({ deploy: 2 });
      const t = await trigger(live);
      const deleted = await trigger(live, { deleted: true });
      const archivedScript = await script({ deploy: 1 });
      const ofArchived = await trigger(archivedScript);
      await append(`script-${archivedScript}`, {
        type: EventType.ScriptArchived,
        data: { scriptId: archivedScript },
      });
      const undeployed = await trigger(await script());
      await project();

      expect(await triggers.target(t)).toMatchObject({
        id: t,
        scriptId: live,
        auth: 'token',
        mode: 'sync',
        secrets: [{ id: 'legacy', hash: 'hash-1', box: null }],
        deployedVersion: 2,
      });
      expect(await triggers.target(undeployed)).toMatchObject({ id: undeployed, deployedVersion: null });
      expect(await triggers.target(deleted)).toBeNull();
      expect(await triggers.target(ofArchived)).toBeNull();
      expect(await triggers.target(randomUUID())).toBeNull();
    });
  });

  describe('TriggersQuery.target: the secrets accepted now', () => {
    const created = (triggerId: string, scriptId: string, data: Record<string, unknown>): NewEvent => ({
      type: EventType.TriggerCreated,
      data: {
        triggerId,
        scriptId,
        triggerType: 'http',
        overlap: 'allow',
        catchUp: 'none',
        mode: 'sync',
        ...data,
      },
    });

    it('secrets by id come with their box from the vault; a rotation lets the others expire; retired ones go', async () => {
      const s = await script({ deploy: 1 });
      const t = randomUUID();
      const vault = new TriggerSecretVault(db);
      for (const id of ['k1', 'k2', 'k3']) await vault.put(t, id, `box-${id}`);
      await append(
        `trigger-${t}`,
        created(t, s, { auth: 'github', secretId: 'k1' }),
        { type: EventType.TriggerSecretAdded, data: { triggerId: t, secretId: 'k2' } },
        {
          type: EventType.TriggerSecretRotated,
          data: { triggerId: t, secretId: 'k3', graceUntil: new Date(Date.now() - 1000).toISOString() },
        },
      );
      await project();
      expect((await triggers.target(t))!.secrets).toEqual([{ id: 'k3', box: 'box-k3', hash: null }]);
      expect((await triggers.secrets(t)).map((x) => x.id)).toEqual(['k3']);
      await append(`trigger-${t}`, {
        type: EventType.TriggerSecretRetired,
        data: { triggerId: t, secretId: 'k3' },
      });
      await project();
      expect((await triggers.target(t))!.secrets).toEqual([]);
    });

    it('events recorded before secrets had ids: current and previous (in its grace period) as legacy secrets', async () => {
      const s = await script({ deploy: 1 });
      const t = randomUUID();
      const graceUntil = new Date(Date.now() + 60_000).toISOString();
      await append(`trigger-${t}`, created(t, s, { auth: 'hmac', secretHash: 'h1', secretBox: 'b1' }), {
        type: EventType.TriggerSecretRotated,
        data: {
          triggerId: t,
          secretHash: 'h2',
          secretBox: 'b2',
          previousSecretHash: 'h1',
          previousSecretBox: 'b1',
          graceUntil,
        },
      });
      await project();
      const secrets = (await triggers.target(t))!.secrets;
      expect(secrets).toHaveLength(2);
      expect(secrets).toEqual(
        expect.arrayContaining([
          { id: 'legacy', box: 'b2', hash: 'h2' },
          { id: 'legacy-previous', box: 'b1', hash: 'h1' },
        ]),
      );
    });
  });

  describe('TriggersQuery with deleted triggers', () => {
    it('byIdsWithDeleted and byScriptWithDeleted include deleted triggers; notifyUrl too', async () => {
      const s = await script();
      const live = await trigger(s);
      const gone = await trigger(s, { deleted: true, notifyUrl: 'https://example.test/gone' });
      const other = await trigger(await script());
      await project();

      const byIds = await triggers.byIdsWithDeleted([live, gone, randomUUID()]);
      expect(byIds.map((r) => [r.id, r.deleted]).sort()).toEqual(
        [
          [live, false],
          [gone, true],
        ].sort(),
      );
      const ofScript = await triggers.byScriptWithDeleted(s);
      expect(ofScript.map((r) => r.id).sort()).toEqual([live, gone].sort());
      expect(ofScript.map((r) => r.id)).not.toContain(other);
      expect(await triggers.notifyUrl(gone)).toBe('https://example.test/gone');
      expect(await triggers.notifyUrl(live)).toBeNull();
    });
  });

  describe('ExecutionsQuery.triggerHasRunOtherThan', () => {
    it('sees another queued or running execution of the trigger, not a finished one nor the one asked about', async () => {
      const s = await script({ deploy: 1 });
      const t = await trigger(s);
      const finished = await execution(s, t, 'started', 'succeeded');
      await project();
      expect(await executions.triggerHasRunOtherThan(t, randomUUID())).toBe(false);

      const running = await execution(s, t, 'started');
      await project();
      expect(await executions.triggerHasRunOtherThan(t, finished)).toBe(true);
      expect(await executions.triggerHasRunOtherThan(t, running)).toBe(false);

      const queued = await execution(s, t);
      await project();
      expect(await executions.triggerHasRunOtherThan(t, running)).toBe(true);
      expect(await executions.triggerHasRunOtherThan(t, queued)).toBe(true);
      expect(await executions.triggerHasRunOtherThan(await trigger(s), randomUUID())).toBe(false);
    });
  });
});
