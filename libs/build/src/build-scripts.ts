import { accessSync, constants, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
// A new file of libs/runtime, not yet exported from its index.
import { BUILD_SANDBOX_WORK_DIR, buildSandboxArgs } from '../../runtime/src/build-sandbox';
import { BuildError } from './build-error';
import { ProcessStartError, runProcess } from './child-process';
import type { InstallScriptPackage } from './install-inspection';

/** The environment variable an installation lists packages in whose install scripts may run. */
export const ALLOW_BUILD_SCRIPTS_ENV = 'RUNLET_ALLOW_BUILD_SCRIPTS';

export interface BuildScriptOptions {
  /** Package names whose install scripts may run (RUNLET_ALLOW_BUILD_SCRIPTS). */
  allowed?: string[];
  /** The npm the builder uses; its CLI runs inside the sandbox. */
  npmPath?: string;
  /** Host dirs the sandbox must never show (the platform's data dir …); cwd and home are always hidden. */
  hidden?: string[];
  timeoutMs?: number;
}

/**
 * Install never runs package scripts. A package that needs one fails the build, naming it; an
 * installation may allow named packages (like pnpm's `onlyBuiltDependencies`), whose scripts then
 * run with `npm rebuild` in a bubblewrap sandbox that sees the install and the system's programs,
 * but not the platform's environment or files.
 */
export class BuildScripts {
  private readonly allowed: ReadonlySet<string>;

  constructor(private readonly opts: BuildScriptOptions = {}) {
    this.allowed = new Set(opts.allowed ?? []);
  }

  /** Throws a BuildError naming every package whose install script is needed but not allowed. */
  refuseUnallowed(found: InstallScriptPackage[]): void {
    const refused = found.filter((p) => !this.allowed.has(p.name));
    if (refused.length === 0) return;
    const list = refused.map((p) => `${p.name}@${p.version} (${p.scripts.join('; ')})`);
    const names = [...new Set(refused.map((p) => p.name))];
    const one = refused.length === 1;
    throw new BuildError(
      `${list.join(', ')} ${one ? 'needs its install script' : 'need their install scripts'}, ` +
        `and builds never run package scripts; an administrator can allow ${one ? 'it' : 'them'} with ` +
        `${ALLOW_BUILD_SCRIPTS_ENV}=${names.join(',')}`,
    );
  }

  /** Runs the (allowed) packages' install scripts in `installDir`, sandboxed. */
  async run(
    installDir: string,
    packages: InstallScriptPackage[],
    log: (line: string) => void,
  ): Promise<void> {
    if (packages.length === 0) return;
    const names = [...new Set(packages.map((p) => p.name))];
    const npmCli = locateNpmCli(this.opts.npmPath ?? 'npm');
    const command = [
      process.execPath,
      npmCli,
      'rebuild',
      ...names,
      '--foreground-scripts',
      '--no-audit',
      '--no-fund',
    ];
    const args = buildSandboxArgs({
      workDir: installDir,
      readOnly: [process.execPath, dirname(dirname(npmCli))],
      hidden: [process.cwd(), homedir(), ...(this.opts.hidden ?? [])],
      command,
      env: {
        PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
        HOME: '/tmp',
        npm_config_cache: '/tmp/.npm',
        npm_config_update_notifier: 'false',
      },
    });
    log(
      `install scripts (allowed by ${ALLOW_BUILD_SCRIPTS_ENV}): npm rebuild ${names.join(' ')} in a sandbox`,
    );
    let result;
    try {
      result = await runProcess('bwrap', args, {
        cwd: '/',
        env: {}, // bwrap's init inside carries the environment it was started with
        timeoutMs: this.opts.timeoutMs ?? 5 * 60_000,
        onLine: log,
      });
    } catch (err) {
      if (err instanceof ProcessStartError)
        throw new BuildError(`could not start the build sandbox (bwrap): ${err.cause.message}`);
      throw err;
    }
    const what = `the install script of ${names.join(', ')}`;
    if (result.timedOut) throw new BuildError(`${what} timed out`);
    if (result.exit !== 0) {
      const tail = result.output.slice(-3).join('; ') || 'no output';
      throw new BuildError(`${what} failed in the build sandbox (exit ${result.exit}): ${tail}`);
    }
    log(`install scripts ran in ${BUILD_SANDBOX_WORK_DIR} for ${names.join(', ')}`);
  }
}

/** Comma-separated package names; blanks ignored. */
export function parseAllowedBuildScripts(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** npm's JavaScript entry (`…/npm/bin/npm-cli.js`), which the sandbox runs with node. */
function locateNpmCli(npmPath: string): string {
  const candidates = isAbsolute(npmPath)
    ? [npmPath]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, npmPath));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    const real = realpathSync(candidate);
    if (real.endsWith('.js')) return real;
    throw new BuildError(`cannot run install scripts: ${npmPath} (${real}) is not npm's JavaScript CLI`);
  }
  throw new BuildError(`cannot run install scripts: ${npmPath} was not found`);
}
