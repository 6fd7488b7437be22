import type { Message } from 'esbuild';

export interface SourceLocation {
  /** 1-based line in the user's script. */
  line: number;
  /** 1-based column in the user's script. */
  column: number;
}

/** A build that failed for a reason the user can act on (bad code, unknown package, registry down …). */
export class BuildError extends Error {
  override readonly name = 'BuildError';

  constructor(
    readonly reason: string,
    public log = '',
    readonly location?: SourceLocation,
  ) {
    super(reason);
  }
}

/** Turns esbuild's first error into "script.ts:3:7: Expected ..." with a 1-based column. */
export function buildErrorFromEsbuild(messages: Message[], fallbackFile: string): BuildError {
  const first = messages[0];
  if (!first) return new BuildError(`${fallbackFile}: could not be parsed`);
  const loc = first.location;
  if (!loc) return new BuildError(`${fallbackFile}: ${first.text}`);
  const location = { line: loc.line, column: loc.column + 1 };
  const more = messages.length > 1 ? ` (and ${messages.length - 1} more error(s))` : '';
  return new BuildError(
    `${loc.file || fallbackFile}:${location.line}:${location.column}: ${first.text}${more}`,
    '',
    location,
  );
}

/** esbuild rejects with an Error that carries `errors: Message[]`. */
export function isEsbuildFailure(err: unknown): err is Error & { errors: Message[] } {
  return err instanceof Error && Array.isArray((err as { errors?: unknown }).errors);
}
