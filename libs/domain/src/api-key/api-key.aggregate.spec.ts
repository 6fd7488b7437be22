import { createHash } from 'node:crypto';
import { fold } from '../common/aggregate';
import { ConflictError, ValidationError } from '../common/errors';
import { ApiKeyEvent, ApiKeyState, decideApiKey, evolveApiKey } from './api-key.aggregate';

const hash = createHash('sha256').update('secret').digest('hex');

describe('ApiKey aggregate', () => {
  const created = decideApiKey(
    { type: 'CreateApiKey', keyId: 'k1', name: 'ci', keyHash: hash, role: 'admin' },
    undefined,
  );

  it('create → ApiKeyCreated with only the hash', () => {
    expect(created).toEqual([
      { type: 'ApiKeyCreated', data: { keyId: 'k1', name: 'ci', keyHash: hash, role: 'admin' } },
    ]);
  });

  it('rejects a plain key in place of its hash, and a second create', () => {
    expect(() =>
      decideApiKey(
        { type: 'CreateApiKey', keyId: 'k', name: 'x', keyHash: 'plain', role: 'admin' },
        undefined,
      ),
    ).toThrow(ValidationError);
    const state = fold<ApiKeyState, ApiKeyEvent>(evolveApiKey, created);
    expect(() =>
      decideApiKey({ type: 'CreateApiKey', keyId: 'k1', name: 'x', keyHash: hash, role: 'admin' }, state),
    ).toThrow(ConflictError);
  });

  it('revoke → ApiKeyRevoked once', () => {
    const state = fold<ApiKeyState, ApiKeyEvent>(evolveApiKey, created);
    const revoked = decideApiKey({ type: 'RevokeApiKey' }, state);
    expect(revoked).toEqual([{ type: 'ApiKeyRevoked', data: { keyId: 'k1' } }]);
    expect(decideApiKey({ type: 'RevokeApiKey' }, fold(evolveApiKey, [...created, ...revoked]))).toEqual([]);
  });
});

describe('ApiKey commands are checked in decide', () => {
  const create = (fields: object) => () =>
    decideApiKey(
      { type: 'CreateApiKey', keyId: 'k', name: 'ci', keyHash: hash, role: 'admin', ...fields } as any,
      undefined,
    );

  it('a name that is null, blank, too long or unstorable, an odd id or role → validation error', () => {
    expect(create({ name: null })).toThrow(/name must be a string/);
    expect(create({ name: '  ' })).toThrow(/name must not be empty/);
    expect(create({ name: 'x'.repeat(101) })).toThrow(/at most 100/);
    expect(create({ name: 'a\u0000' })).toThrow(/must not contain NUL/);
    expect(create({ keyId: null })).toThrow(/keyId must be a string/);
    expect(create({ role: 'root' })).toThrow(/role must be one of/);
    expect(create({ keyHash: null })).toThrow(ValidationError);
  });
});
