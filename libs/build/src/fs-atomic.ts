import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const TEMP_PREFIX = '.tmp-';
export const TRASH_PREFIX = '.trash-';

/** A fresh temp dir inside `parent`, so the later rename stays on one filesystem and is atomic. */
export async function makeTempDir(parent: string, label: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  const dir = join(parent, `${TEMP_PREFIX}${label}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir);
  return dir;
}

/**
 * Renames a finished temp dir to `target`. If another builder (or process) got there first, the
 * existing entry wins and ours is discarded: content-addressed entries are interchangeable.
 */
export async function publishDir(temp: string, target: string): Promise<'published' | 'existed'> {
  try {
    await rename(temp, target);
    return 'published';
  } catch (err) {
    if (isCode(err, 'ENOTEMPTY', 'EEXIST')) {
      await rm(temp, { recursive: true, force: true });
      return 'existed';
    }
    throw err;
  }
}

/** Replaces `target` with `temp`; readers see the old or the new dir, never a half-written one. */
export async function replaceDir(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
    return;
  } catch (err) {
    if (!isCode(err, 'ENOTEMPTY', 'EEXIST')) throw err;
  }
  // A non-empty dir cannot be renamed over: move the old one aside first (a rebuild of the same version).
  const trash = join(dirname(target), `${TRASH_PREFIX}${basename(target)}-${randomBytes(6).toString('hex')}`);
  await rename(target, trash);
  await rename(temp, target);
  await rm(trash, { recursive: true, force: true });
}

/** Moves a dir aside (atomic) before deleting it, so nobody sees it half-deleted. */
export async function removeDir(dir: string, parent: string, label: string): Promise<void> {
  const trash = join(parent, `${TRASH_PREFIX}${label}-${randomBytes(6).toString('hex')}`);
  try {
    await rename(dir, trash);
  } catch (err) {
    if (isCode(err, 'ENOENT')) return;
    throw err;
  }
  await rm(trash, { recursive: true, force: true });
}

export function isCode(err: unknown, ...codes: string[]): boolean {
  return codes.includes((err as NodeJS.ErrnoException)?.code ?? '');
}
