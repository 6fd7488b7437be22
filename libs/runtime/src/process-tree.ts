import { readdirSync, readFileSync } from 'node:fs';

/** Host pids of every live descendant of `rootPid` (children, theirs, …), from /proc. */
export function descendants(rootPid: number): number[] {
  const found: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (pid !== rootPid) found.push(pid);
    queue.push(...childrenOf(pid));
  }
  return found;
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      return children ? children.split(' ').map(Number) : [];
    });
  } catch {
    return []; // It exited while we looked.
  }
}

/** Host pids of the processes whose process group is `pgid` (a full /proc scan). */
export function processGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => statOf(pid)?.pgrp === pgid);
}

/** The pid a process has inside its own (innermost) PID namespace, or undefined once it is gone. */
export function namespacePid(pid: number): number | undefined {
  try {
    const line = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line ? Number(line[1].trim().split(/\s+/).pop()) : undefined;
  } catch {
    return undefined;
  }
}

/** True while the process exists and has not exited (a zombie only waits to be reaped). */
export function isLive(pid: number): boolean {
  const stat = statOf(pid);
  return !!stat && stat.state !== 'Z' && stat.state !== 'X';
}

function statOf(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …"; comm may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
