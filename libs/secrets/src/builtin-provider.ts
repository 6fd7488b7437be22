import { secretStreamId } from '@runlet/domain';
import { readStreamHeads } from '@runlet/event-store';
import type { SecretProvider } from './secret-provider';
import { SecretValues, SqlRunner } from './secret-values';

/**
 * The builtin store. A stored value counts only while its version is the last of the secret's
 * stream: a delete (a later version) hides it at once, even before its row is removed, and a
 * value whose set did not reach the log is never served.
 */
export class BuiltinSecrets implements SecretProvider {
  readonly name = 'builtin' as const;

  constructor(
    private readonly db: SqlRunner,
    private readonly values: SecretValues,
  ) {}

  async fetch(names: readonly string[]): Promise<Map<string, string>> {
    const [heads, stored] = await Promise.all([
      readStreamHeads(this.db, names.map(secretStreamId)),
      this.values.read(names),
    ]);
    const found = new Map<string, string>();
    for (const name of names) {
      const value = stored.get(name);
      if (value && heads.get(secretStreamId(name)) === value.version) found.set(name, value.value);
    }
    return found;
  }
}
