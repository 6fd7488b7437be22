import type { Aggregate } from '../common/aggregate';
import { DomainEvent } from '../common/aggregate';
import { NotFoundError, ValidationError } from '../common/errors';

/**
 * A builtin secret's name: what `PUT /secrets/:name` takes and a script reads as
 * `ctx.secrets.NAME`. Upper-case so it reads like the environment variable it replaces.
 */
export const SECRET_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const SECRET_NAME_MAX_LENGTH = 128;

export interface SecretState {
  name: string;
  /** The stream's version: every set and delete counts. */
  version: number;
  deleted: boolean;
}

export type SecretCommand = { type: 'SetSecret'; name: string } | { type: 'DeleteSecret'; name: string };

/**
 * The value itself is never in an event, nor anything derived from it (no hash: a short value
 * could be brute-forced from it); the encrypted value is stored beside the log, keyed by version.
 */
export type SecretEvent =
  | DomainEvent<'SecretSet', { name: string; version: number }>
  | DomainEvent<'SecretDeleted', { name: string; version: number }>;

export const secretStreamId = (name: string) => `secret-${name}`;

/** Throws a ValidationError naming the rule when `name` is not a builtin secret name. */
export function secretName(name: unknown): string {
  if (typeof name !== 'string') throw new ValidationError('secret name must be a string');
  if (name.length === 0 || name.length > SECRET_NAME_MAX_LENGTH || !SECRET_NAME.test(name))
    throw new ValidationError(
      `secret name ${JSON.stringify(name.slice(0, 200))} must match ${SECRET_NAME.source} ` +
        `(upper-case letters, digits and _, not starting with a digit) and be at most ${SECRET_NAME_MAX_LENGTH} characters`,
    );
  return name;
}

export function decideSecret(command: SecretCommand, state: SecretState | undefined): SecretEvent[] {
  const name = secretName(command.name);
  if (state && state.name !== name) throw new ValidationError(`this stream holds secret ${state.name}`);
  const version = (state?.version ?? 0) + 1;
  switch (command.type) {
    case 'SetSecret':
      return [{ type: 'SecretSet', data: { name, version } }];
    case 'DeleteSecret':
      if (!state || state.deleted) throw new NotFoundError(`secret ${name} not found`);
      return [{ type: 'SecretDeleted', data: { name, version } }];
  }
}

export function evolveSecret(state: SecretState | undefined, event: SecretEvent): SecretState | undefined {
  switch (event.type) {
    case 'SecretSet':
      return { name: event.data.name, version: event.data.version, deleted: false };
    case 'SecretDeleted':
      return { name: event.data.name, version: event.data.version, deleted: true };
  }
}

/** The secret aggregate, as repositories take it. */
export const secretAggregate: Aggregate<SecretState, SecretCommand, SecretEvent> = {
  decide: decideSecret,
  evolve: evolveSecret,
};
