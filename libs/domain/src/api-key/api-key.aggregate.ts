import type { Aggregate } from '../common/aggregate';
import { DomainEvent } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { id, oneOf, text } from '../common/validation';

export type ApiKeyRole = 'admin';
const ROLES: readonly ApiKeyRole[] = ['admin'];

export interface ApiKeyState {
  id: string;
  name: string;
  role: ApiKeyRole;
  revoked: boolean;
}

export type ApiKeyCommand =
  | { type: 'CreateApiKey'; keyId: string; name: string; keyHash: string; role: ApiKeyRole }
  | { type: 'RevokeApiKey' };

export type ApiKeyEvent =
  | DomainEvent<'ApiKeyCreated', { keyId: string; name: string; keyHash: string; role: ApiKeyRole }>
  | DomainEvent<'ApiKeyRevoked', { keyId: string }>;

export const apiKeyStreamId = (keyId: string) => `apikey-${keyId}`;

/** Keys are stored only as SHA-256 hashes; the key itself is shown once when created. */
export function decideApiKey(command: ApiKeyCommand, state: ApiKeyState | undefined): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey':
      if (state) throw new ConflictError(`api key ${command.keyId} already exists`);
      if (typeof command.keyHash !== 'string' || !/^[0-9a-f]{64}$/.test(command.keyHash))
        throw new ValidationError('keyHash must be a sha256 hex digest');
      return [
        {
          type: 'ApiKeyCreated',
          data: {
            keyId: id('keyId', command.keyId),
            name: text('name', command.name, { maxLength: 100, nonEmpty: true }).trim(),
            keyHash: command.keyHash,
            role: oneOf('role', command.role, ROLES),
          },
        },
      ];
    case 'RevokeApiKey':
      if (!state) throw new NotFoundError('api key not found');
      if (state.revoked) return [];
      return [{ type: 'ApiKeyRevoked', data: { keyId: state.id } }];
  }
}

export function evolveApiKey(state: ApiKeyState | undefined, event: ApiKeyEvent): ApiKeyState | undefined {
  switch (event.type) {
    case 'ApiKeyCreated':
      return { id: event.data.keyId, name: event.data.name, role: event.data.role, revoked: false };
    case 'ApiKeyRevoked':
      return state && { ...state, revoked: true };
  }
}

/** The apiKey aggregate, as repositories take it. */
export const apiKeyAggregate: Aggregate<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  decide: decideApiKey,
  evolve: evolveApiKey,
};
