import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads of cgroup control files, which every warm sandbox's clean-up does after each run (on the
 * webhook hot path): readFileSync costs five system calls per file (open, fstat, read, a read
 * for EOF, close) where these need at most three, or one.
 */

const chunk = Buffer.alloc(64 * 1024);

/**
 * The whole file, read afresh. The kernel's seq_file reads fill the buffer for as long as there
 * is content, so a read shorter than the room left is the end of the file: no read for EOF.
 */
export function readControlFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    return readAll(() => readSync(fd, chunk, 0, chunk.length, null));
  } finally {
    closeSync(fd);
  }
}

/**
 * A control file kept open and read again from offset 0 (one system call; a seq_file read at
 * offset 0 generates the content again). Only for files generated on each read, such as
 * `pids.current`: not for `cgroup.procs` or `tasks`, whose v1 pid list an open file keeps
 * serving for up to a second.
 */
export class OpenControlFile {
  private fd: number | undefined;

  constructor(private readonly path: string) {}

  read(): string {
    const fd = (this.fd ??= openSync(this.path, 'r'));
    let offset = 0;
    return readAll(() => {
      const n = readSync(fd, chunk, 0, chunk.length, offset);
      offset += n;
      return n;
    });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function readAll(read: () => number): string {
  let text = '';
  for (;;) {
    const n = read();
    text += chunk.toString('latin1', 0, n);
    if (n < chunk.length) return text;
  }
}
