import { fold } from '../common/aggregate';
import { decideScript, evolveScript } from './script.aggregate';
import { ScriptEvent, ScriptState } from './script.types';
import { scriptVersionSavedV2 } from './script.upcasters';

describe('ScriptVersionSaved v1 → v2', () => {
  const v1 = {
    scriptId: 's1',
    version: 2,
    code: 'x',
    language: null,
    dependencies: null,
    secrets: null,
    timeoutMs: 1000,
    memoryMb: 64,
    network: null,
    reason: 'kept',
  };

  it('null or missing spec fields become their defaults; the others are kept', () => {
    expect(scriptVersionSavedV2.upcast(v1)).toEqual({
      ...v1,
      language: 'typescript',
      dependencies: {},
      secrets: [],
      network: 'egress',
      maxAttempts: 1,
      notifyUrl: null,
    });
  });

  it('a script whose latest version was upcast takes a new version like any other', () => {
    const events = [
      ...decideScript({ type: 'CreateScript', scriptId: 's1', name: 'n', spec: { code: 'v1' } }, undefined),
      { type: 'ScriptVersionSaved', data: scriptVersionSavedV2.upcast(v1) },
    ] as ScriptEvent[];
    const [saved] = decideScript(
      { type: 'SaveScriptVersion', spec: { code: 'v3' } },
      fold<ScriptState, ScriptEvent>(evolveScript, events),
    );
    expect(saved.data).toMatchObject({ version: 3, code: 'v3', network: 'egress', timeoutMs: 1000 });
  });
});
