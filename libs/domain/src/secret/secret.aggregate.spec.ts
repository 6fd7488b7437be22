import { fold } from '../common/aggregate';
import { NotFoundError, ValidationError } from '../common/errors';
import { decideSecret, evolveSecret, SecretEvent, SecretState } from './secret.aggregate';
import { parseSecretReference, secretReferences } from './secret-reference';

const state = (events: SecretEvent[]) => fold<SecretState, SecretEvent>(evolveSecret, events);

describe('Secret aggregate', () => {
  it('set → SecretSet with the name and version 1, and nothing of the value', () => {
    expect(decideSecret({ type: 'SetSecret', name: 'GITHUB_TOKEN' }, undefined)).toEqual([
      { type: 'SecretSet', data: { name: 'GITHUB_TOKEN', version: 1 } },
    ]);
  });

  it('set again → the next version; delete → SecretDeleted at the version after', () => {
    const first = decideSecret({ type: 'SetSecret', name: 'A' }, undefined);
    const second = decideSecret({ type: 'SetSecret', name: 'A' }, state(first));
    expect(second).toEqual([{ type: 'SecretSet', data: { name: 'A', version: 2 } }]);
    const deleted = decideSecret({ type: 'DeleteSecret', name: 'A' }, state([...first, ...second]));
    expect(deleted).toEqual([{ type: 'SecretDeleted', data: { name: 'A', version: 3 } }]);
    expect(state([...first, ...second, ...deleted])).toEqual({ name: 'A', version: 3, deleted: true });
  });

  it('a set after a delete brings the secret back at a higher version', () => {
    const events = [
      ...decideSecret({ type: 'SetSecret', name: 'A' }, undefined),
      { type: 'SecretDeleted' as const, data: { name: 'A', version: 2 } },
    ];
    expect(decideSecret({ type: 'SetSecret', name: 'A' }, state(events))).toEqual([
      { type: 'SecretSet', data: { name: 'A', version: 3 } },
    ]);
  });

  it('delete of a secret that does not exist or is deleted → not found', () => {
    expect(() => decideSecret({ type: 'DeleteSecret', name: 'A' }, undefined)).toThrow(NotFoundError);
    const gone = state([
      { type: 'SecretSet', data: { name: 'A', version: 1 } },
      { type: 'SecretDeleted', data: { name: 'A', version: 2 } },
    ]);
    expect(() => decideSecret({ type: 'DeleteSecret', name: 'A' }, gone)).toThrow(/secret A not found/);
  });

  it('names must match ^[A-Z_][A-Z0-9_]*$ and be at most 128 characters', () => {
    for (const name of ['A', '_', 'GITHUB_TOKEN', 'K8S_2', 'X'.repeat(128)])
      expect(() => decideSecret({ type: 'SetSecret', name }, undefined)).not.toThrow();
    for (const name of ['', 'lower', 'Mixed', '1ST', 'A-B', 'A B', 'Ä', 'X'.repeat(129), 'A\u0000', null, 7])
      expect(() => decideSecret({ type: 'SetSecret', name } as any, undefined)).toThrow(ValidationError);
    expect(() => decideSecret({ type: 'SetSecret', name: 'a-b' }, undefined)).toThrow(
      /must match \^\[A-Z_\]\[A-Z0-9_\]\*\$/,
    );
  });
});

describe('secret references a script declares', () => {
  it('NAME, builtin:NAME and infisical:NAME', () => {
    expect(parseSecretReference('TOKEN')).toEqual({ name: 'TOKEN' });
    expect(parseSecretReference('builtin:TOKEN')).toEqual({ name: 'TOKEN', provider: 'builtin' });
    expect(parseSecretReference('infisical:db_url')).toEqual({ name: 'db_url', provider: 'infisical' });
  });

  it('refuses other providers, names that are no identifier, and a name declared twice', () => {
    for (const bad of ['vault:A', 'builtin:', ':A', 'a-b', '1A', 'builtin:infisical:A', 5])
      expect(() => parseSecretReference(bad)).toThrow(/not a valid secret name/);
    expect(() => secretReferences('secrets', ['A', 'builtin:A'])).toThrow(/A is declared twice/);
    expect(() => secretReferences('secrets', 'A')).toThrow(/must be an array/);
  });
});
