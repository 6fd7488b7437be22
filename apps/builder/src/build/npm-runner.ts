import { spawn } from 'node:child_process';
import { BuildError } from './build-error';

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
    log(`$ npm ${fullArgs.join(' ')}`);
    const output: string[] = [];
    const code = await new Promise<number | string>((resolve, reject) => {
      // Own process group so a timeout kills npm's children too.
      const child = spawn(npm, fullArgs, {
        cwd,
        env: npmEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const timer = setTimeout(
        () => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        },
        this.opts.timeoutMs ?? 5 * 60_000,
      );
      const onData = splitLines((line) => {
        output.push(line);
        log(line);
      });
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new BuildError(`could not start npm (${npm}): ${err.message}`));
      });
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        onData(null);
        resolve(exitCode ?? signal ?? 'unknown');
      });
    });
    if (code !== 0) throw new BuildError(describeNpmFailure(output.join('\n'), code));
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
  if (code === 'SIGKILL') return 'npm install timed out';
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

function splitLines(onLine: (line: string) => void): (chunk: Buffer | null) => void {
  let rest = '';
  return (chunk) => {
    if (chunk === null) {
      if (rest) onLine(rest);
      rest = '';
      return;
    }
    const lines = (rest + chunk.toString('utf8')).split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const line of lines) if (line) onLine(line);
  };
}
