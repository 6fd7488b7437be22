import { readFileSync } from 'node:fs';
import { descendants } from './process-tree';

/** Sum of resident memory of a process and all its descendants, in bytes. */
export function treeRssBytes(rootPid: number): number {
  let total = 0;
  for (const pid of [rootPid, ...descendants(rootPid)]) {
    try {
      total += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
    } catch {
      // The process exited while we looked.
    }
  }
  return total;
}

/**
 * Fallback memory limit when no cgroup is usable: polls the sandbox's process tree and calls
 * `onExceeded` once its RSS passes the limit. Coarser than a cgroup (a fast allocation can
 * overshoot by one poll interval), so a cgroup is preferred.
 */
export function watchRss(
  rootPid: number,
  limitBytes: number,
  onExceeded: () => void,
  intervalMs = 50,
): () => void {
  const timer = setInterval(() => {
    if (treeRssBytes(rootPid) > limitBytes) {
      clearInterval(timer);
      onExceeded();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
