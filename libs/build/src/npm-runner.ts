import { BuildError } from './build-error';
import { ProcessStartError, runProcess } from './child-process';

export interface NpmRunnerOptions {
  npmPath?: string;
  registry?: string;
  /** Kill npm (and its children) after this long. */
  timeoutMs?: number;
}

/** Flags every npm call gets: never run package scripts, no network chatter we do not need. */
const COMMON_FLAGS = [
  '--ignore-scripts',
  '--no-audit',
  '--no-fund',
  '--no-update-notifier',
  '--no-progress',
  '--loglevel=warn',
  // `file:` dependencies are copied, not symlinked, so a store entry is self-contained.
  '--install-links',
];

/** How NpmRunner announces each npm process in the log it was given, before starting it. */
const NPM_COMMAND_PREFIX = '$ npm ';

/**
 * Whether a log line announces an npm process: a build counts its own runs in its own log, so
 * builds side by side do not mix their counts. (Not with AsyncLocalStorage: once used, Node 20
 * runs its promise hooks on every promise of the process, the webhook hot path's included.)
 */
export const isNpmRunLine = (line: string): boolean => line.startsWith(NPM_COMMAND_PREFIX);

/** Spawns npm and counts the runs, so callers (and tests) can see that a cache hit started no process. */
export class NpmRunner {
  private runs = 0;

  constructor(private readonly opts: NpmRunnerOptions = {}) {}

  get runCount(): number {
    return this.runs;
  }

  async run(args: string[], cwd: string, log: (line: string) => void): Promise<void> {
    const npm = this.opts.npmPath ?? 'npm';
    const fullArgs = [...args, ...COMMON_FLAGS];
    if (this.opts.registry) fullArgs.push(`--registry=${this.opts.registry}`);
    this.runs++;
    log(`${NPM_COMMAND_PREFIX}${fullArgs.join(' ')}`);
    let result;
    try {
      result = await runProcess(npm, fullArgs, {
        cwd,
        env: npmEnv(),
        timeoutMs: this.opts.timeoutMs ?? 5 * 60_000,
        onLine: log,
      });
    } catch (err) {
      if (err instanceof ProcessStartError)
        throw new BuildError(`could not start npm (${npm}): ${err.cause.message}`);
      throw err;
    }
    if (result.timedOut) throw new BuildError(`npm ${args[0]} timed out`);
    if (result.exit !== 0) throw new BuildError(describeNpmFailure(result.output.join('\n'), result.exit));
    // Exit 0 with a broken pipe: npm finished, only its output is incomplete.
    if (result.streamError) log(`npm output incomplete: ${result.streamError}`);
  }
}

/** Maps npm's error output to one sentence naming what went wrong. */
export function describeNpmFailure(output: string, code: number | string): string {
  const notInRegistry =
    /'((?:@[^/'\s]+\/)?[^@'\s]+)@[^']*' (?:is not in this registry|could not be found)/.exec(output);
  if (notInRegistry) return `package ${notInRegistry[1]} was not found in the npm registry`;
  const notFoundUrl = /404 Not Found - GET \S+\/((?:@[^/\s]+(?:\/|%2[fF]))?[^/\s@]+)(?:\s|$)/.exec(output);
  if (notFoundUrl) {
    return `package ${decodeURIComponent(notFoundUrl[1])} was not found in the npm registry`;
  }
  const noVersion = /No matching version found for ((?:@[^/\s]+\/)?[^@\s]+)@(\S+?)\.?(?:\s|$)/.exec(output);
  if (noVersion) return `no version of ${noVersion[1]} matches "${noVersion[2]}"`;
  const network = /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN)\b/.exec(output);
  if (network) return `could not reach the npm registry (${network[1]})`;
  if (/\bERESOLVE\b/.test(output))
    return `npm could not resolve a consistent dependency tree: ${lastErrors(output)}`;
  if (/\bEINTEGRITY\b/.test(output)) return `a package failed its integrity check: ${lastErrors(output)}`;
  return `npm install failed (exit ${code}): ${lastErrors(output)}`;
}

function lastErrors(output: string): string {
  const lines = output
    .split('\n')
    .filter((l) => /^npm (error|ERR!)/.test(l))
    .map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim())
    .filter((l) => l && !l.startsWith('A complete log of this run'));
  return lines.slice(0, 3).join('; ') || 'no error output';
}

/** The platform's npm_* variables (set when it runs under npm/npx) must not leak into the user's install. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return env;
}
