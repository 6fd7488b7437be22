import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildScripts } from './build-scripts';
import { depsPackageJson, hashLockfile, normaliseLockfile } from './lockfile';
import { isCode, makeTempDir, publishDir, removeDir, TEMP_PREFIX, TRASH_PREFIX } from './fs-atomic';
import { inspectInstall, type InstallScriptPackage } from './install-inspection';
import { NpmRunner } from './npm-runner';
import { resolutionKey } from './resolve-cache';
import { SingleFlight } from './single-flight';

export interface StoreEntry {
  lockfile: string;
  lockfileHash: string;
  nodeModulesDir: string;
  /** False when the entry already existed and no npm process ran for this caller. */
  installed: boolean;
  /** Packages with a compiled addon: loaded from node_modules at run time, never bundled. */
  natives: string[];
}

/** `<entry>/runlet-entry.json`: what the install contains, found once when it was installed. */
interface EntryInfo {
  installScripts: InstallScriptPackage[];
  natives: string[];
  /** Packages whose (allowed) install scripts ran in the build sandbox for this entry. */
  scriptsRan: string[];
}

const ENTRY_INFO_FILE = 'runlet-entry.json';

const HASH_NAME = /^[0-9a-f]{64}$/;
/** Temp dirs older than this belong to a builder that died mid-install. */
const STALE_TEMP_MS = 60 * 60_000;

/**
 * Content-addressed installs: `<dataDir>/store/<lockfileHash>/node_modules`. Entries are built in a temp
 * dir next to the store and renamed into place, so an entry that exists is always complete, a failed
 * install leaves nothing behind, and concurrent processes at worst do duplicate work.
 */
export class InstallStore {
  readonly root: string;
  private readonly flights = new SingleFlight<StoreEntry>();
  private readonly inUse = new Map<string, number>();

  constructor(
    dataDir: string,
    private readonly npm: NpmRunner,
    private readonly scripts: BuildScripts,
  ) {
    this.root = join(dataDir, 'store');
  }

  entryDir(hash: string): string {
    return join(this.root, hash);
  }

  nodeModulesDir(hash: string): string {
    return join(this.entryDir(hash), 'node_modules');
  }

  async has(hash: string): Promise<boolean> {
    try {
      return (await stat(this.nodeModulesDir(hash))).isDirectory();
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) return false;
      throw err;
    }
  }

  /** Installs exactly `lockfile` (`npm ci`) unless its entry exists; one install per hash in this process. */
  ensureFromLockfile(
    lockfile: string,
    spec: Record<string, string>,
    log: (line: string) => void,
  ): Promise<StoreEntry> {
    const normalised = normaliseLockfile(lockfile);
    const hash = hashLockfile(normalised);
    return this.flights.run(`lock:${hash}`, async () => {
      if (await this.has(hash)) {
        log(`dependencies: reusing store entry ${hash}`);
        const info = await this.entryInfo(hash, normalised);
        // The allow-list may have changed since the entry was installed.
        this.scripts.refuseUnallowed(info.installScripts);
        const notRun = info.installScripts.filter((p) => !info.scriptsRan.includes(p.name));
        if (notRun.length)
          log(
            `warning: this entry was installed without running the install script of ${notRun.map((p) => p.name).join(', ')}`,
          );
        return this.entry(normalised, hash, false, info);
      }
      log(`dependencies: installing locked versions into store entry ${hash}`);
      return this.installInTemp(log, async (temp) => {
        await writeFile(join(temp, 'package.json'), depsPackageJson(spec));
        await writeFile(join(temp, 'package-lock.json'), normalised);
        await this.npm.run(['ci'], temp, log);
        return normalised;
      });
    });
  }

  /**
   * Resolves `spec` and installs it in one npm run (measured faster than `--package-lock-only` + `npm ci`).
   * With `seedLockfile`, npm keeps the versions it already locked wherever they still satisfy the spec.
   */
  resolveAndInstall(
    spec: Record<string, string>,
    seedLockfile: string | undefined,
    log: (line: string) => void,
  ): Promise<StoreEntry> {
    return this.flights.run(resolutionKey(spec, seedLockfile), () => {
      log(`dependencies: resolving ${Object.keys(spec).length} package(s)`);
      return this.installInTemp(log, async (temp) => {
        await writeFile(join(temp, 'package.json'), depsPackageJson(spec));
        if (seedLockfile) await writeFile(join(temp, 'package-lock.json'), normaliseLockfile(seedLockfile));
        await this.npm.run(['install'], temp, log);
        const lockfile = normaliseLockfile(await readFile(join(temp, 'package-lock.json'), 'utf8'));
        await writeFile(join(temp, 'package-lock.json'), lockfile);
        return lockfile;
      });
    });
  }

  /** Marks an entry as used now (for garbage collection) and protects it while `task` runs. */
  async withEntry<T>(hash: string, task: () => Promise<T>): Promise<T> {
    this.inUse.set(hash, (this.inUse.get(hash) ?? 0) + 1);
    try {
      const now = new Date();
      await utimes(this.entryDir(hash), now, now).catch(() => undefined);
      return await task();
    } finally {
      const n = (this.inUse.get(hash) ?? 1) - 1;
      if (n <= 0) this.inUse.delete(hash);
      else this.inUse.set(hash, n);
    }
  }

  async collectGarbage(keepHashes: Set<string>, recentMs: number): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return [];
      throw err;
    }
    const now = Date.now();
    const removed: string[] = [];
    for (const name of names) {
      const dir = join(this.root, name);
      const mtime = await stat(dir).then(
        (s) => s.mtimeMs,
        () => undefined,
      );
      if (mtime === undefined) continue;
      if (name.startsWith(TEMP_PREFIX) || name.startsWith(TRASH_PREFIX)) {
        if (now - mtime > Math.max(recentMs, STALE_TEMP_MS)) await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (!HASH_NAME.test(name) || keepHashes.has(name) || this.inUse.has(name)) continue;
      if (now - mtime < recentMs) continue;
      await removeDir(dir, this.root, name.slice(0, 12));
      removed.push(name);
    }
    return removed.sort();
  }

  private async installInTemp(
    log: (line: string) => void,
    install: (temp: string) => Promise<string>,
  ): Promise<StoreEntry> {
    const temp = await makeTempDir(this.root, 'install');
    try {
      const lockfile = await install(temp);
      const hash = hashLockfile(lockfile);
      await mkdir(join(temp, 'node_modules'), { recursive: true });
      const info = await this.prepare(temp, lockfile, log);
      await writeFile(join(temp, ENTRY_INFO_FILE), JSON.stringify(info, null, 2) + '\n');
      const outcome = await publishDir(temp, this.entryDir(hash));
      if (outcome === 'existed') log(`dependencies: store entry ${hash} was created concurrently; using it`);
      else log(`dependencies: stored as ${hash}`);
      return this.entry(lockfile, hash, true, info);
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Refuses packages whose install scripts are not allowed, runs the allowed ones (sandboxed). */
  private async prepare(temp: string, lockfile: string, log: (line: string) => void): Promise<EntryInfo> {
    const found = await inspectInstall(temp, lockfile);
    this.scripts.refuseUnallowed(found.installScripts);
    if (found.installScripts.length === 0) return { ...found, scriptsRan: [] };
    await this.scripts.run(temp, found.installScripts, log);
    // The scripts may have compiled addons that were not there before.
    const after = await inspectInstall(temp, lockfile);
    return { ...after, scriptsRan: [...new Set(found.installScripts.map((p) => p.name))].sort() };
  }

  /** The entry's info; computed (and saved) for entries a builder without it installed. */
  private async entryInfo(hash: string, lockfile: string): Promise<EntryInfo> {
    const file = join(this.entryDir(hash), ENTRY_INFO_FILE);
    try {
      return JSON.parse(await readFile(file, 'utf8')) as EntryInfo;
    } catch (err) {
      if (!isCode(err, 'ENOENT')) throw err;
    }
    const info: EntryInfo = { ...(await inspectInstall(this.entryDir(hash), lockfile)), scriptsRan: [] };
    const temp = `${file}.${randomBytes(6).toString('hex')}`;
    await writeFile(temp, JSON.stringify(info, null, 2) + '\n');
    await rename(temp, file);
    return info;
  }

  private entry(lockfile: string, lockfileHash: string, installed: boolean, info: EntryInfo): StoreEntry {
    return {
      lockfile,
      lockfileHash,
      nodeModulesDir: this.nodeModulesDir(lockfileHash),
      installed,
      natives: info.natives,
    };
  }
}
