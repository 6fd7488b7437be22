import { fold } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import {
  CreateTrigger,
  decideTrigger,
  evolveTrigger,
  TriggerCommand,
  TriggerEvent,
  TriggerState,
} from './trigger';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
/** An event as recorded before secrets had ids (they carried the hash / the encrypted secret). */
const legacyCreated = (data: Record<string, unknown>): TriggerEvent =>
  ({
    type: 'TriggerCreated',
    data: {
      triggerId: 't2',
      scriptId: 's1',
      triggerType: 'http',
      overlap: 'allow',
      catchUp: 'latest',
      mode: 'sync',
      ...data,
    },
  }) as TriggerEvent;

const createCron: CreateTrigger = {
  type: 'CreateTrigger',
  triggerId: 't1',
  scriptId: 's1',
  triggerType: 'cron',
  schedule: '0 9 * * *',
  timezone: 'America/New_York',
};
const createHttp: CreateTrigger = {
  type: 'CreateTrigger',
  triggerId: 't2',
  scriptId: 's1',
  triggerType: 'http',
};

/** given events, when command → the events decided (state folded with evolveTrigger). */
function given(...events: TriggerEvent[]) {
  const state = fold(evolveTrigger, events);
  return {
    state,
    when: (command: TriggerCommand) => decideTrigger(command, state),
  };
}
const history = (...commands: TriggerCommand[]): TriggerEvent[] =>
  commands.reduce<TriggerEvent[]>(
    (events, command) => [...events, ...decideTrigger(command, fold(evolveTrigger, events))],
    [],
  );
const stateAfter = (...commands: TriggerCommand[]): TriggerState =>
  fold(evolveTrigger, history(...commands))!;

describe('CreateTrigger', () => {
  it('creates a cron trigger with defaults', () => {
    expect(given().when(createCron)).toEqual([
      {
        type: 'TriggerCreated',
        data: {
          triggerId: 't1',
          scriptId: 's1',
          triggerType: 'cron',
          schedule: '0 9 * * *',
          timezone: 'America/New_York',
          overlap: 'allow',
          catchUp: 'latest',
          auth: 'none',
          mode: 'sync',
        },
      },
    ]);
  });

  it('defaults the zone to UTC and stores its canonical name', () => {
    expect(given().when({ ...createCron, timezone: undefined })[0].data).toMatchObject({ timezone: 'UTC' });
    expect(given().when({ ...createCron, timezone: 'america/new_york' })[0].data).toMatchObject({
      timezone: 'America/New_York',
    });
  });

  it('folds into state', () => {
    expect(stateAfter({ ...createCron, input: { a: 1 }, overlap: 'skip' })).toEqual({
      id: 't1',
      scriptId: 's1',
      triggerType: 'cron',
      schedule: '0 9 * * *',
      timezone: 'America/New_York',
      input: { a: 1 },
      overlap: 'skip',
      catchUp: 'latest',
      auth: 'none',
      mode: 'sync',
      secrets: [],
      paused: false,
      deleted: false,
    });
  });

  it('rejects a cron trigger without a valid schedule, naming the problem', () => {
    expect(() => given().when({ ...createCron, schedule: undefined })).toThrow(
      'a cron trigger needs a schedule',
    );
    expect(() => given().when({ ...createCron, schedule: '61 * * * *' })).toThrow(
      new ValidationError('invalid cron expression "61 * * * *": minute field value 61 is out of range 0-59'),
    );
    expect(() => given().when({ ...createCron, timezone: 'Mars/Olympus' })).toThrow(
      'unknown time zone "Mars/Olympus"',
    );
  });

  it('rejects a schedule on an http trigger', () => {
    expect(() => given().when({ ...createHttp, schedule: '* * * * *' })).toThrow(
      new ValidationError('an http trigger must not have a schedule'),
    );
  });

  it('rejects webhook settings on a cron trigger and unknown options', () => {
    expect(() => given().when({ ...createCron, auth: 'token', secretId: 'k1' })).toThrow(ValidationError);
    expect(() => given().when({ ...createCron, overlap: 'sometimes' as never })).toThrow(
      "overlap must be one of 'allow', 'skip', 'queue', got \"sometimes\"",
    );
    expect(() => given().when({ ...createCron, triggerType: 'email' as never })).toThrow(ValidationError);
    expect(() => given().when({ ...createHttp, notifyUrl: 'ftp://x' })).toThrow(/notifyUrl/);
  });

  it('names its secret by id only; a scheme with a secret needs one, none and discord take none', () => {
    const [event] = given().when({ ...createHttp, auth: 'token', secretId: 'k1' });
    expect(event.data).toMatchObject({ auth: 'token', secretId: 'k1' });
    expect(JSON.stringify(event)).not.toMatch(/secretHash|secretBox/);
    expect(() => given().when({ ...createHttp, auth: 'github' })).toThrow(
      "auth 'github' needs a secret (secretId)",
    );
    expect(() => given().when({ ...createHttp, secretId: 'k1' })).toThrow(
      'a trigger with auth none has no secret',
    );
    expect(() => given().when({ ...createHttp, auth: 'token', secretId: 'a b' })).toThrow(/secretId must be/);
  });

  it('reads the secrets of events recorded before secrets had ids as legacy', () => {
    const state = fold(evolveTrigger, [
      legacyCreated({ auth: 'hmac', secretHash: HASH_A, secretBox: 'box-1' }),
    ])!;
    expect(state.secrets).toEqual([{ id: 'legacy' }]);
  });

  it('refuses to create a trigger twice', () => {
    expect(() => given(...history(createCron)).when(createCron)).toThrow(
      new ConflictError('trigger t1 already exists'),
    );
  });
});

describe('UpdateTrigger', () => {
  it('emits only the changed fields', () => {
    expect(
      given(...history(createCron)).when({ type: 'UpdateTrigger', schedule: '0 10 * * *', overlap: 'allow' }),
    ).toEqual([{ type: 'TriggerUpdated', data: { triggerId: 't1', changes: { schedule: '0 10 * * *' } } }]);
  });

  it('emits nothing when nothing changes', () => {
    expect(given(...history(createCron)).when({ type: 'UpdateTrigger', schedule: '0 9 * * *' })).toEqual([]);
  });

  it('validates the schedule with the zone it will run in', () => {
    const t = given(...history(createCron));
    expect(() => t.when({ type: 'UpdateTrigger', timezone: 'Mars/Olympus' })).toThrow(
      'unknown time zone "Mars/Olympus"',
    );
    expect(() => t.when({ type: 'UpdateTrigger', schedule: '* * 32 * *' })).toThrow(
      /day-of-month field value 32/,
    );
  });

  it('applies changes and clears with null', () => {
    const state = stateAfter(
      { ...createHttp, notifyUrl: 'https://example.com/done', input: { a: 1 } },
      { type: 'UpdateTrigger', mode: 'async', notifyUrl: null, input: null },
    );
    expect(state.mode).toBe('async');
    expect(state).not.toHaveProperty('notifyUrl');
    expect(state).not.toHaveProperty('input');
  });

  it('rejects settings of the other trigger type', () => {
    expect(() =>
      given(...history(createHttp)).when({ type: 'UpdateTrigger', schedule: '* * * * *' }),
    ).toThrow('schedule applies to cron triggers only');
    expect(() => given(...history(createCron)).when({ type: 'UpdateTrigger', mode: 'async' })).toThrow(
      'mode applies to http triggers only',
    );
  });
});

describe('PauseTrigger / ResumeTrigger', () => {
  it('pauses and resumes', () => {
    expect(given(...history(createCron)).when({ type: 'PauseTrigger' })).toEqual([
      { type: 'TriggerPaused', data: { triggerId: 't1' } },
    ]);
    expect(stateAfter(createCron, { type: 'PauseTrigger' }).paused).toBe(true);
    expect(stateAfter(createCron, { type: 'PauseTrigger' }, { type: 'ResumeTrigger' }).paused).toBe(false);
  });

  it('refuses to pause a paused trigger or resume a running one', () => {
    expect(() =>
      given(...history(createCron, { type: 'PauseTrigger' })).when({ type: 'PauseTrigger' }),
    ).toThrow(new ConflictError('trigger is already paused'));
    expect(() => given(...history(createCron)).when({ type: 'ResumeTrigger' })).toThrow(
      new ConflictError('trigger is not paused'),
    );
  });
});

describe('DeleteTrigger', () => {
  it('deletes, after which every command is NotFound', () => {
    const events = history(createCron, { type: 'DeleteTrigger' });
    expect(events[1]).toEqual({ type: 'TriggerDeleted', data: { triggerId: 't1' } });
    const commands: TriggerCommand[] = [
      { type: 'DeleteTrigger' },
      { type: 'PauseTrigger' },
      { type: 'UpdateTrigger', schedule: '* * * * *' },
    ];
    for (const command of commands) {
      expect(() => given(...events).when(command)).toThrow(new NotFoundError('trigger t1 not found'));
    }
  });

  it('reports an unknown trigger as NotFound', () => {
    expect(() => given().when({ type: 'PauseTrigger' })).toThrow(NotFoundError);
  });
});

describe('RotateTriggerSecret', () => {
  const tokenTrigger: CreateTrigger = { ...createHttp, auth: 'token', secretId: 'k1' };

  it('adds the new secret and keeps the others valid until graceUntil', () => {
    const events = history(tokenTrigger, {
      type: 'RotateTriggerSecret',
      secretId: 'k2',
      graceUntil: '2026-01-01T01:00:00Z',
    });
    expect(events[1]).toEqual({
      type: 'TriggerSecretRotated',
      data: { triggerId: 't2', secretId: 'k2', graceUntil: '2026-01-01T01:00:00.000Z' },
    });
    expect(fold(evolveTrigger, events)!.secrets).toEqual([
      { id: 'k1', expiresAt: '2026-01-01T01:00:00.000Z' },
      { id: 'k2' },
    ]);
  });

  it('rejects a bad date, a reused id, and a trigger without secrets', () => {
    const t = given(...history(tokenTrigger));
    expect(() => t.when({ type: 'RotateTriggerSecret', secretId: 'k2', graceUntil: 'soon' })).toThrow(
      'graceUntil must be a valid date, got "soon"',
    );
    expect(() => t.when({ type: 'RotateTriggerSecret', secretId: 'k1', graceUntil: '2026-01-01' })).toThrow(
      ConflictError,
    );
    expect(() =>
      given(...history(createHttp)).when({
        type: 'RotateTriggerSecret',
        secretId: 'k2',
        graceUntil: '2026-01-01',
      }),
    ).toThrow('trigger has no secret (auth is none)');
  });

  it('replays rotations recorded before secrets had ids: the previous one until graceUntil', () => {
    const state = fold(evolveTrigger, [
      legacyCreated({ auth: 'token', secretHash: HASH_A }),
      {
        type: 'TriggerSecretRotated',
        data: {
          triggerId: 't2',
          secretHash: HASH_B,
          previousSecretHash: HASH_A,
          graceUntil: '2026-01-01T01:00:00Z',
        },
      },
    ])!;
    expect(state.secrets).toEqual([
      { id: 'legacy-previous', expiresAt: '2026-01-01T01:00:00Z' },
      { id: 'legacy' },
    ]);
  });
});

describe('every field is checked in decide, whoever sends the command', () => {
  it('null for a setting with a default means the default; for notifyUrl, none', () => {
    const [created] = given().when({
      ...createHttp,
      overlap: null,
      catchUp: null,
      auth: null,
      mode: null,
      notifyUrl: null,
      schedule: null,
      timezone: null,
    });
    expect(created.data).toEqual({
      triggerId: 't2',
      scriptId: 's1',
      triggerType: 'http',
      overlap: 'allow',
      catchUp: 'latest',
      auth: 'none',
      mode: 'sync',
    });
  });

  it('update: null resets overlap/catchUp/timezone to their defaults; a null schedule → validation error', () => {
    const g = given(...history({ ...createCron, overlap: 'skip', catchUp: 'none' }));
    expect(g.when({ type: 'UpdateTrigger', overlap: null, catchUp: null, timezone: null })).toEqual([
      {
        type: 'TriggerUpdated',
        data: { triggerId: 't1', changes: { overlap: 'allow', catchUp: 'latest', timezone: 'UTC' } },
      },
    ]);
    expect(() => g.when({ type: 'UpdateTrigger', schedule: null })).toThrow(/needs a schedule/);
    expect(() => g.when({ type: 'UpdateTrigger', schedule: 5 as any })).toThrow(/schedule must be a string/);
  });

  it('ids, schedules and inputs the store cannot hold → validation error', () => {
    expect(() => given().when({ ...createHttp, triggerId: 'a\u0000b' })).toThrow(
      /triggerId must not contain NUL/,
    );
    expect(() => given().when({ ...createHttp, scriptId: '' })).toThrow(/scriptId must not be empty/);
    expect(() => given().when({ ...createCron, schedule: 7 as any })).toThrow(/schedule must be a string/);
    expect(() => given().when({ ...createHttp, input: { k: 'v\u0000' } })).toThrow(
      /input\.k must not contain NUL/,
    );
    expect(() => given().when({ ...createHttp, input: { ['\ud800']: 1 } })).toThrow(/input has a key/);
    expect(() => given().when({ ...createHttp, notifyUrl: 42 as any })).toThrow(/notifyUrl must be a string/);
    const http = given(...history(createHttp));
    expect(() => http.when({ type: 'UpdateTrigger', input: ['\u0000'] })).toThrow(ValidationError);
  });
});
