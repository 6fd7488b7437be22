import { createHash } from 'node:crypto';
import { fold } from '../shared/aggregate';
import { ConflictError, ValidationError } from '../shared/errors';
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
