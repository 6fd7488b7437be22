import type { LogLine } from '@runlet/contracts';
import { FrameReader } from './frame-reader';
import { LogSink } from './log-sink';
import { parseLdd } from './node-mounts';
import { egressRouteCommands } from './egress-network';
import { buildBwrapArgs } from './bwrap-args';

describe('LogSink', () => {
  it('numbers lines, masks them, splits raw chunks and truncates once past the budget', () => {
    const lines: LogLine[] = [];
    const sink = new LogSink(
      20,
      (t) => t.replace('secret', '***'),
      (l) => lines.push(l),
    );
    sink.line('info', 'stdout', 'a secret');
    sink.chunk('stderr', 'par');
    sink.chunk('stderr', 'tial\nnext');
    sink.line('info', 'stdout', 'this one is far too long');
    sink.line('info', 'stdout', 'dropped');
    sink.flush();
    expect(lines.map((l) => [l.seq, l.level, l.stream, l.message])).toEqual([
      [1, 'info', 'stdout', 'a ***'],
      [2, 'error', 'stderr', 'partial'],
      [3, 'warn', 'system', '[runlet] output truncated after 15 bytes (limit 20 bytes)'],
    ]);
    expect(sink.truncated).toBe(true);
  });
});

describe('FrameReader', () => {
  it('splits newline-delimited JSON across chunks, skips garbage and stops at oversize frames', () => {
    const messages: unknown[] = [];
    let oversize = 0;
    const reader = new FrameReader(
      10,
      (m) => messages.push(m),
      () => oversize++,
    );
    reader.push('{"a":1}\n{"b"');
    reader.push(':2}\nnot json\n');
    reader.push('{"c":"way too long for the limit"');
    reader.push('}\n{"d":4}\n');
    expect(messages).toEqual([{ a: 1 }, { b: 2 }]);
    expect(oversize).toBe(1);
  });
});

describe('parseLdd', () => {
  it('keeps the absolute library paths, including the loader', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007ffd)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f)',
    ].join('\n');
    expect(parseLdd(out)).toEqual(['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
  });
});

describe('egressRouteCommands', () => {
  it('prohibits private, link-local, the slirp gateway and the host addresses', () => {
    const commands = egressRouteCommands(['192.0.2.2']);
    for (const target of [
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
      '169.254.0.0/16',
      '10.0.2.2/32',
      '192.0.2.2/32',
    ]) {
      expect(commands).toContain(`route add prohibit ${target}`);
    }
  });
});

describe('buildBwrapArgs', () => {
  it('unshares everything, clears the environment and mounts only what is needed, read-only', () => {
    const args = buildBwrapArgs({
      nodeMounts: [{ src: '/opt/node', dest: '/usr/bin/node' }],
      harnessPath: '/h/harness.mjs',
      artifactDir: '/art',
      entry: 'main.mjs',
      nodeModulesDir: '/nm',
      etcDir: '/etc-gen',
      memoryMb: 128,
      infoFd: 4,
      blockFd: 5,
    });
    const joined = args.join(' ');
    expect(joined).toContain('--unshare-all --die-with-parent --new-session --uid 65534 --gid 65534');
    expect(joined).toContain('--clearenv');
    expect(joined).not.toContain('--share-net');
    expect(joined).toContain('--ro-bind /art /app/src');
    expect(joined).toContain('--ro-bind /nm /app/node_modules');
    expect(joined).toContain('--tmpfs /tmp');
    expect(args.slice(args.indexOf('--') + 1)).toEqual([
      '/usr/bin/node',
      '--enable-source-maps',
      '--max-old-space-size=128',
      '/runlet/harness.mjs',
      '/app/src/main.mjs',
    ]);
  });
});
