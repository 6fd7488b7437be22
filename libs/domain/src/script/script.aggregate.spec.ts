import { fold } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { decideScript, evolveScript } from './script.aggregate';
import { ScriptCommand, ScriptEvent, ScriptState } from './script.types';

/** given events, when a command, then events (or an error). */
function given(...events: ScriptEvent[]) {
  const state = fold<ScriptState, ScriptEvent>(evolveScript, events);
  return { when: (command: ScriptCommand) => decideScript(command, state), state };
}

const created: ScriptEvent[] = decideScript(
  { type: 'CreateScript', scriptId: 's1', name: 'hello', spec: { code: 'export default () => 1' } },
  undefined,
);

describe('Script aggregate', () => {
  it('create → ScriptCreated and version 1 with defaults filled in', () => {
    expect(created.map((e) => e.type)).toEqual(['ScriptCreated', 'ScriptVersionSaved']);
    expect(created[1].data).toMatchObject({
      scriptId: 's1',
      version: 1,
      language: 'typescript',
      timeoutMs: 30000,
      memoryMb: 256,
      network: 'egress',
      dependencies: {},
      secrets: [],
      notifyUrl: null,
    });
  });

  it('create twice → conflict', () => {
    expect(() =>
      given(...created).when({ type: 'CreateScript', scriptId: 's1', name: 'x', spec: { code: '' } }),
    ).toThrow(ConflictError);
  });

  it('create with a missing name, huge code or bad limits → validation error naming the field', () => {
    const create = (name: string, spec: any) => () =>
      decideScript({ type: 'CreateScript', scriptId: 's', name, spec }, undefined);
    expect(create('  ', { code: '' })).toThrow(/name must not be empty/);
    expect(create('a', { code: 'x'.repeat(1024 * 1024 + 1) })).toThrow(/code must be at most/);
    expect(create('a', { code: '', timeoutMs: 5 })).toThrow(/timeoutMs/);
    expect(create('a', { code: '', dependencies: { 'Bad Name': '1' } })).toThrow(
      /not a valid npm package name/,
    );
    expect(create('a', { code: '', secrets: ['no-dash'] })).toThrow(ValidationError);
    expect(create('a', { code: '', notifyUrl: 'ftp://example.com' })).toThrow(/notifyUrl/);
    expect(create('a', { code: '', notifyUrl: 'not a url' })).toThrow(/notifyUrl/);
  });

  it('save → next version carrying over unchanged fields', () => {
    const events = given(...created).when({
      type: 'SaveScriptVersion',
      spec: { code: 'v2', timeoutMs: 1000 },
    });
    expect(events).toEqual([
      {
        type: 'ScriptVersionSaved',
        data: expect.objectContaining({ version: 2, code: 'v2', timeoutMs: 1000, memoryMb: 256 }),
      },
    ]);
  });

  it('save with a stale expectedVersion → conflict; with the current one → saved', () => {
    const v2 = given(...created).when({ type: 'SaveScriptVersion', spec: { code: 'v2' } });
    const g = given(...created, ...v2);
    expect(() => g.when({ type: 'SaveScriptVersion', spec: { code: 'v3' }, expectedVersion: 1 })).toThrow(
      /is at version 2, not 1/,
    );
    expect(
      g.when({ type: 'SaveScriptVersion', spec: { code: 'v3' }, expectedVersion: 2 })[0].data,
    ).toMatchObject({ version: 3 });
  });

  it('save with upgrade → the same spec as a new version flagged for re-resolution; the flag is not part of the spec', () => {
    const [saved] = given(...created).when({
      type: 'SaveScriptVersion',
      spec: {},
      reason: 'dependency upgrade',
      upgrade: true,
    });
    expect(saved.data).toMatchObject({
      version: 2,
      code: 'export default () => 1',
      reason: 'dependency upgrade',
      upgrade: true,
    });
    expect(given(...created, saved).state?.versions[2]).not.toHaveProperty('upgrade');
    expect(given(...created).when({ type: 'SaveScriptVersion', spec: {} })[0].data).not.toHaveProperty(
      'upgrade',
    );
  });

  it('save with a new name → renamed and saved', () => {
    const events = given(...created).when({ type: 'SaveScriptVersion', name: 'renamed', spec: {} });
    expect(events.map((e) => e.type)).toEqual(['ScriptRenamed', 'ScriptVersionSaved']);
    expect(events[0].data).toEqual({ scriptId: 's1', name: 'renamed', previousName: 'hello' });
  });

  it('deploy an existing version → deployed; a missing one → not found; the same twice → nothing', () => {
    const g = given(...created);
    const deployed = g.when({ type: 'DeployScriptVersion', version: 1 });
    expect(deployed).toEqual([
      { type: 'ScriptVersionDeployed', data: { scriptId: 's1', version: 1, previousVersion: null } },
    ]);
    expect(() => g.when({ type: 'DeployScriptVersion', version: 9 })).toThrow(NotFoundError);
    expect(given(...created, ...deployed).when({ type: 'DeployScriptVersion', version: 1 })).toEqual([]);
  });

  it('archived → every further command is not found', () => {
    const archived = given(...created).when({ type: 'ArchiveScript' });
    const g = given(...created, ...archived);
    expect(g.state?.archived).toBe(true);
    expect(() => g.when({ type: 'SaveScriptVersion', spec: { code: 'x' } })).toThrow(/archived/);
  });

  describe('every field is checked in decide, whoever sends the command', () => {
    const v1 = () => given(...created);
    const save = (spec: any, extra: any = {}) =>
      v1().when({ type: 'SaveScriptVersion', spec, ...extra } as ScriptCommand);

    it('null for a field with a default saves the default; the event never holds null', () => {
      const tuned = given(
        ...created,
        ...save({ network: 'none', secrets: ['A'], dependencies: { dayjs: '1' }, language: 'javascript' }),
      );
      const [saved] = tuned.when({
        type: 'SaveScriptVersion',
        spec: {
          network: null,
          secrets: null,
          dependencies: null,
          language: null,
          timeoutMs: null,
          memoryMb: null,
          maxAttempts: null,
          notifyUrl: null,
        } as any,
      });
      expect(saved.data).toMatchObject({
        network: 'egress',
        secrets: [],
        dependencies: {},
        language: 'typescript',
        timeoutMs: 30000,
        memoryMb: 256,
        maxAttempts: 1,
        notifyUrl: null,
      });
    });

    it('null or a wrong type for a field without a default → validation error naming it', () => {
      expect(() => save({ code: null })).toThrow(/code must be a string, got null/);
      expect(() => save({}, { name: null })).toThrow(/name must be a string/);
      expect(() => save({}, { expectedVersion: null })).toThrow(/expectedVersion must be an integer/);
      expect(() => save({ network: 'lan' })).toThrow(/network must be one of/);
      expect(() => save({ language: 7 })).toThrow(/language must be one of/);
      expect(() => save({ secrets: 'A' })).toThrow(/secrets must be an array/);
      expect(() => save({ secrets: [1] })).toThrow(/secrets: 1 is not a valid secret name/);
      expect(() => save({ dependencies: ['dayjs'] })).toThrow(/dependencies must be an object/);
      expect(() => save({ timeoutMs: '1000' })).toThrow(/timeoutMs/);
      expect(() => save({}, { reason: 5 })).toThrow(/reason must be a string/);
    });

    it('text the store cannot hold (NUL, unpaired surrogates) → validation error, not a database error', () => {
      expect(() => save({ code: 'a\u0000b' })).toThrow(/code must not contain NUL/);
      expect(() => save({}, { name: 'x\ud800' })).toThrow(/name must not contain/);
      expect(() =>
        decideScript({ type: 'CreateScript', scriptId: 'a\u0000', name: 'n', spec: { code: '' } }, undefined),
      ).toThrow(/scriptId must not contain/);
      expect(() => save({ code: 'emoji \ud83d\ude00 is fine' })).not.toThrow();
    });

    it('deploy of a version that is not a positive integer → validation error; of a missing one → not found', () => {
      expect(() => v1().when({ type: 'DeployScriptVersion', version: 1.5 })).toThrow(ValidationError);
      expect(() => v1().when({ type: 'DeployScriptVersion', version: '1' as any })).toThrow(ValidationError);
      expect(() => v1().when({ type: 'DeployScriptVersion', version: 2 ** 31 })).toThrow(ValidationError);
      expect(() => v1().when({ type: 'DeployScriptVersion', version: 999 })).toThrow(NotFoundError);
    });
  });
});
