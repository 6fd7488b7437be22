#!/usr/bin/env node
// `npm run images:base [-- --tag T] [-- --add prog,prog]`: builds a minimal base image with no
// registry (there is no Docker Hub here) by `docker import` of a root filesystem that holds this
// machine's node binary, npm, /bin/sh and the shared libraries they load, CA certificates, and a
// non-root user `runlet` (uid/gid 10001). `--add` copies more programs with their libraries
// (the platform image adds bwrap, slirp4netns and nsenter for the process runtime).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DEFAULT_TAG = 'runlet/node-base:20';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function which(prog) {
  if (prog.includes('/')) return prog;
  return execFileSync('sh', ['-c', `command -v ${prog}`], { encoding: 'utf8' }).trim();
}

/** The shared libraries (and the dynamic loader) a binary needs, read from ldd. */
function librariesOf(binary) {
  let out;
  try {
    out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  } catch {
    return []; // static binary or script
  }
  return out
    .split('\n')
    .map((line) => line.match(/(\/[^\s]+)\s+\(0x/))
    .filter(Boolean)
    .map((m) => m[1]);
}

function copyInto(root, file) {
  const real = fs.realpathSync(file);
  const target = path.join(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(real, target);
  fs.chmodSync(target, fs.statSync(real).mode);
}

function copyTree(root, dir) {
  fs.cpSync(fs.realpathSync(dir), path.join(root, dir), { recursive: true, dereference: true });
}

function main() {
  const tag = option('tag', process.env.RUNLET_BASE_IMAGE || DEFAULT_TAG);
  const extra = option('add', '').split(',').filter(Boolean);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlet-base-'));
  try {
    const node = fs.realpathSync(process.execPath);
    const programs = [node, which('sh'), ...extra.map(which)];
    for (const program of programs) {
      copyInto(root, program);
      for (const lib of librariesOf(program)) copyInto(root, lib);
    }
    // Wrappers and the passwd file name /bin/sh; on merged-/usr hosts it lives in /usr/bin.
    if (!fs.existsSync(path.join(root, 'bin/sh'))) copyInto(root, '/bin/sh');
    if (node !== '/usr/bin/node') {
      fs.mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
      fs.symlinkSync(node, path.join(root, 'usr/bin/node'));
    }
    // npm from the same Node.js installation, runnable as /usr/bin/npm.
    const npmDir = path.join(path.dirname(node), '..', 'lib', 'node_modules', 'npm');
    if (fs.existsSync(npmDir)) {
      copyTree(root, path.resolve(npmDir));
      // A shell wrapper: npm-cli.js starts with `#!/usr/bin/env node` and there is no env here.
      for (const [bin, cli] of [
        ['npm', 'npm-cli.js'],
        ['npx', 'npx-cli.js'],
      ]) {
        const wrapper = path.join(root, 'usr/bin', bin);
        const target = path.join(path.resolve(npmDir), 'bin', cli);
        fs.writeFileSync(wrapper, `#!/bin/sh\nexec node ${target} "$@"\n`, { mode: 0o755 });
      }
    }
    if (fs.existsSync('/etc/ssl/certs/ca-certificates.crt')) {
      copyInto(root, '/etc/ssl/certs/ca-certificates.crt');
    }
    const etc = path.join(root, 'etc');
    fs.mkdirSync(etc, { recursive: true });
    fs.writeFileSync(
      path.join(etc, 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nrunlet:x:10001:10001:runlet:/home/runlet:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n',
    );
    fs.writeFileSync(path.join(etc, 'group'), 'root:x:0:\nrunlet:x:10001:\nnogroup:x:65534:\n');
    fs.writeFileSync(path.join(etc, 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
    for (const dir of ['tmp', 'home/runlet', 'app', 'root']) {
      fs.mkdirSync(path.join(root, dir), { recursive: true });
    }
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    execFileSync('chown', ['-R', '10001:10001', path.join(root, 'home/runlet')]);

    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const tar = execFileSync('tar', ['-C', root, '--numeric-owner', '-c', '.'], {
      maxBuffer: 1 << 30,
    });
    execFileSync(
      'docker',
      [
        'import',
        '--change',
        'ENV PATH=/usr/local/bin:/usr/bin:/bin',
        '--change',
        'ENV NODE_ENV=production',
        '--change',
        `LABEL org.runlet.base=node org.runlet.node-version=${version}`,
        '--change',
        'WORKDIR /app',
        '--change',
        'CMD ["node"]',
        '-',
        tag,
      ],
      { input: tar, stdio: ['pipe', 'ignore', 'inherit'] },
    );
    console.log(`built ${tag} (node ${version}${extra.length ? `, with ${extra.join(', ')}` : ''})`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main();
