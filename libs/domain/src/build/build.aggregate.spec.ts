import { fold } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { decideBuild, dependencyChanges, evolveBuild } from './build.aggregate';
import { BuildCommand, BuildEvent, BuildState } from './build.types';

/** given events, when a command, then events (or an error). */
function given(...events: BuildEvent[]) {
  const state = fold<BuildState, BuildEvent>(evolveBuild, events);
  return { when: (command: BuildCommand) => decideBuild(command, state), state };
}

const requested = decideBuild({ type: 'RequestBuild', buildId: 'b1', scriptId: 's1', version: 2 }, undefined);
const started = given(...requested).when({ type: 'StartBuild', attempt: 1 });
const success: BuildCommand = {
  type: 'SucceedBuild',
  resolvedDependencies: { dayjs: '1.11.10' },
  dependencySpec: { dayjs: '1.11.10' },
  lockfile: '{}',
  lockfileHash: 'h',
  cacheHit: false,
  durationMs: 12,
  artifactDir: '/data/artifacts/s1/2',
  changes: {},
};
const failure: BuildCommand = {
  type: 'FailBuild',
  reason: 'script.ts:1:5: Expected ";"',
  logExcerpt: 'x',
  location: { line: 1, column: 5 },
};

describe('Build aggregate', () => {
  it('request → BuildRequested carrying scriptId; the upgrade flag only when asked', () => {
    expect(requested).toEqual([
      { type: 'BuildRequested', data: { buildId: 'b1', scriptId: 's1', version: 2 } },
    ]);
    const upgrade = decideBuild(
      { type: 'RequestBuild', buildId: 'b2', scriptId: 's1', version: 3, upgrade: true },
      undefined,
    );
    expect(upgrade[0].data).toEqual({ buildId: 'b2', scriptId: 's1', version: 3, upgrade: true });
    expect(given(...upgrade).state).toMatchObject({ status: 'pending', upgrade: true, attempt: 0 });
  });

  it('request twice → conflict; anything on a missing build → not found', () => {
    expect(() =>
      given(...requested).when({ type: 'RequestBuild', buildId: 'b1', scriptId: 's1', version: 2 }),
    ).toThrow(ConflictError);
    expect(() => given().when({ type: 'StartBuild', attempt: 1 })).toThrow(NotFoundError);
  });

  it('start → BuildStarted with the attempt; a retry starts again with the next attempt', () => {
    expect(started).toEqual([
      { type: 'BuildStarted', data: { buildId: 'b1', scriptId: 's1', version: 2, attempt: 1 } },
    ]);
    const again = given(...requested, ...started).when({ type: 'StartBuild', attempt: 2 });
    expect(again[0].data).toMatchObject({ attempt: 2 });
    expect(given(...requested, ...started, ...again).state).toMatchObject({ status: 'building', attempt: 2 });
  });

  it('succeed → BuildSucceeded with everything the build produced; only after a start', () => {
    const events = given(...requested, ...started).when(success);
    expect(events).toEqual([
      {
        type: 'BuildSucceeded',
        data: expect.objectContaining({
          buildId: 'b1',
          scriptId: 's1',
          version: 2,
          lockfileHash: 'h',
          cacheHit: false,
        }),
      },
    ]);
    expect(events[0].data).not.toHaveProperty('type');
    expect(() => given(...requested).when(success)).toThrow(/has not started/);
  });

  it('fail → BuildFailed with reason, log excerpt and location; also before a start', () => {
    const events = given(...requested, ...started).when(failure);
    expect(events[0]).toEqual({
      type: 'BuildFailed',
      data: {
        buildId: 'b1',
        scriptId: 's1',
        version: 2,
        reason: 'script.ts:1:5: Expected ";"',
        logExcerpt: 'x',
        location: { line: 1, column: 5 },
      },
    });
    expect(given(...requested).when(failure)[0].type).toBe('BuildFailed');
  });

  it('a finished build refuses further start, success and failure (a duplicate job is a no-op)', () => {
    const succeeded = given(...requested, ...started).when(success);
    const failed = given(...requested, ...started).when(failure);
    for (const done of [succeeded, failed]) {
      const g = given(...requested, ...started, ...done);
      expect(g.when({ type: 'StartBuild', attempt: 2 })).toEqual([]);
      expect(g.when(success)).toEqual([]);
      expect(g.when(failure)).toEqual([]);
    }
    expect(given(...requested, ...started, ...succeeded).state?.status).toBe('succeeded');
    expect(given(...requested, ...started, ...failed).state?.status).toBe('failed');
  });

  it('dependencyChanges lists moved, added and removed packages only', () => {
    expect(
      dependencyChanges(
        { dayjs: '1.11.10', lodash: '4.17.21', left: '1.0.0' },
        { dayjs: '1.11.13', lodash: '4.17.21', nu: '2.0.0' },
      ),
    ).toEqual({
      dayjs: { from: '1.11.10', to: '1.11.13' },
      left: { from: '1.0.0', to: null },
      nu: { from: null, to: '2.0.0' },
    });
    expect(dependencyChanges({ a: '1.0.0' }, { a: '1.0.0' })).toEqual({});
  });
});

describe('Build commands are checked in decide', () => {
  const building = () => given(...requested, ...started);

  it('a request with an odd id or version → validation error', () => {
    const request = (fields: object) => () =>
      decideBuild(
        { type: 'RequestBuild', buildId: 'b', scriptId: 's', version: 1, ...fields } as any,
        undefined,
      );
    expect(request({ version: 2 ** 31 })).toThrow(ValidationError);
    expect(request({ buildId: '' })).toThrow(/buildId must not be empty/);
    expect(request({ scriptId: null })).toThrow(/scriptId must be a string/);
    expect(request({ upgrade: 'yes' })).toThrow(/upgrade must be true or false/);
  });

  it('a success with a malformed result → validation error; its duration is stored in whole ms', () => {
    expect(() => building().when({ ...success, resolvedDependencies: null } as any)).toThrow(
      /resolvedDependencies must be an object/,
    );
    expect(() => building().when({ ...success, cacheHit: 'no' } as any)).toThrow(/cacheHit/);
    expect(() => building().when({ ...success, changes: { a: { from: 1 } } } as any)).toThrow(/changes/);
    const [ok] = building().when({ ...success, durationMs: 12.6 });
    expect(ok.data).toMatchObject({ durationMs: 13 });
  });

  it('a failure is always recorded: unstorable characters of the tools output are replaced', () => {
    const [failed] = building().when({ type: 'FailBuild', reason: 'bad \u0000 byte', logExcerpt: 'x\ud800' });
    expect(failed.data).toMatchObject({ reason: 'bad \ufffd byte', logExcerpt: 'x\ufffd' });
    expect(() => building().when({ ...failure, location: { line: -1, column: 0 } } as any)).toThrow(
      /location.line/,
    );
  });
});
