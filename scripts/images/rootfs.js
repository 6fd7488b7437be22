// A root filesystem built from this machine's own files, imported as a Docker image: there is no
// Docker Hub here, so every image the project needs locally (node, redis, postgres, a registry) is
// the host's Debian binaries with their shared libraries, a passwd file and `docker import`.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** `--name value` from argv, or `fallback`. */
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
    out = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
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

/** A program (by name or path) with the libraries it loads. */
function copyProgram(root, prog) {
  const program = which(prog);
  copyInto(root, program);
  for (const lib of librariesOf(program)) copyInto(root, lib);
  return program;
}

/** A directory tree, links followed; with `withLibraries`, the libraries of every ELF file in it too. */
function copyTree(root, dir, { withLibraries = false } = {}) {
  fs.cpSync(fs.realpathSync(dir), path.join(root, dir), { recursive: true, dereference: true });
  if (!withLibraries) return;
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const file = path.join(d, entry.name);
      if (entry.isDirectory()) walk(file);
      else for (const lib of librariesOf(file)) if (!fs.existsSync(path.join(root, lib))) copyInto(root, lib);
    }
  };
  walk(fs.realpathSync(dir));
}

/** /etc/passwd, /etc/group and nsswitch.conf with root, nobody and the given users ([name, uid]). */
function writeUsers(root, users) {
  const etc = path.join(root, 'etc');
  fs.mkdirSync(etc, { recursive: true });
  const all = [['root', 0, '/root'], ...users.map(([name, uid]) => [name, uid, `/home/${name}`])];
  fs.writeFileSync(
    path.join(etc, 'passwd'),
    all.map(([name, uid, home]) => `${name}:x:${uid}:${uid}:${name}:${home}:/bin/sh\n`).join('') +
      'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n',
  );
  fs.writeFileSync(
    path.join(etc, 'group'),
    all.map(([name, uid]) => `${name}:x:${uid}:\n`).join('') + 'nogroup:x:65534:\n',
  );
  fs.writeFileSync(path.join(etc, 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
  for (const dir of ['tmp', 'root', ...users.map(([name]) => `home/${name}`)])
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  for (const [name, uid] of users)
    execFileSync('chown', ['-R', `${uid}:${uid}`, path.join(root, 'home', name)]);
}

/** Builds a root filesystem in a scratch directory with `fill(root)` and imports it as `tag`. */
function importImage(tag, changes, fill) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runlet-image-'));
  try {
    const label = fill(root);
    // Wrappers and passwd files name /bin/sh; on merged-/usr hosts it lives in /usr/bin.
    copyProgram(root, 'sh');
    if (!fs.existsSync(path.join(root, 'bin/sh'))) copyInto(root, '/bin/sh');
    const tar = execFileSync('tar', ['-C', root, '--numeric-owner', '-c', '.'], { maxBuffer: 1 << 30 });
    execFileSync('docker', ['import', ...changes.flatMap((c) => ['--change', c]), '-', tag], {
      input: tar,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    console.log(`built ${tag}${label ? ` (${label})` : ''}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

module.exports = { option, which, librariesOf, copyInto, copyProgram, copyTree, writeUsers, importImage };
