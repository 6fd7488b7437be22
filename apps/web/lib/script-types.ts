/**
 * What the editor's language service knows besides the standard library: the script contract
 * (`event`, `ctx`, see docs/api.md "The script contract") and, until a build has installed a
 * package's own types, any import as `any`.
 */
export const SCRIPT_CONTRACT_DTS = `
/** What triggered the run, with its input and the HTTP request or cron tick. */
interface RunletEvent {
  trigger: { type: 'http' | 'cron' | 'manual' | 'try'; id?: string };
  input?: any;
  http?: {
    method: string;
    path: string;
    headers: Record<string, string>;
    query: Record<string, string | string[]>;
    body: any;
    rawBody: string;
  };
  cron?: { scheduledAt: string; firedAt: string };
}

/** The execution's context: ids, declared secrets, log and the abort signal (timeout or cancel). */
interface RunletContext {
  executionId: string;
  scriptId: string;
  version: number;
  secrets: Record<string, string>;
  log: {
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  };
  signal: AbortSignal;
}

/** A script's default export. */
type RunletHandler = (event: RunletEvent, ctx: RunletContext) => unknown;

declare var process: { env: Record<string, string | undefined> };
`;

/**
 * Where the editor gets the packages' types of a script: from its latest build when that one
 * succeeded, else from the deployed version's (a failed build installed nothing to look at).
 */
export function packageTypesPath(script: {
  id: string;
  deployedVersion: number | null;
  build: { status: string; version: number | null } | null;
}): string | null {
  const version =
    script.build?.status === 'succeeded' && script.build.version
      ? script.build.version
      : script.deployedVersion;
  return version ? `/scripts/${script.id}/versions/${version}/types` : null;
}

/** Any import resolves to \`any\` unless its package's types are loaded. */
export const ANY_MODULE_DTS = `declare module '*';`;

export const NEW_SCRIPT_TEMPLATE = `export default async (event: RunletEvent, ctx: RunletContext) => {
  ctx.log.info('hello from', event.trigger.type);
  return { ok: true, input: event.input };
};
`;
