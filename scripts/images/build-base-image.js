#!/usr/bin/env node
// `npm run images:base [-- --tag T] [-- --add prog,prog]`: builds a minimal base image with no
// registry (there is no Docker Hub here) by `docker import` of a root filesystem that holds this
// machine's node binary, npm, /bin/sh and the shared libraries they load, CA certificates, and a
// non-root user `runlet` (uid/gid 10001). `--add` copies more programs with their libraries
// (the platform image adds bwrap, slirp4netns and nsenter for the process runtime).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { option, copyInto, copyProgram, copyTree, writeUsers, importImage } = require('./rootfs');

const DEFAULT_TAG = 'runlet/node-base:20';

const tag = option('tag', process.env.RUNLET_BASE_IMAGE || DEFAULT_TAG);
const extra = option('add', '').split(',').filter(Boolean);
const node = fs.realpathSync(process.execPath);
const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

importImage(
  tag,
  [
    'ENV PATH=/usr/local/bin:/usr/bin:/bin',
    'ENV NODE_ENV=production',
    `LABEL org.runlet.base=node org.runlet.node-version=${version}`,
    'WORKDIR /app',
    'CMD ["node"]',
  ],
  (root) => {
    for (const program of [node, ...extra]) copyProgram(root, program);
    if (node !== '/usr/bin/node') {
      fs.mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
      fs.symlinkSync(node, path.join(root, 'usr/bin/node'));
    }
    // npm from the same Node.js installation, runnable as /usr/bin/npm.
    const npmDir = path.resolve(path.dirname(node), '..', 'lib', 'node_modules', 'npm');
    if (fs.existsSync(npmDir)) {
      copyTree(root, npmDir);
      // A shell wrapper: npm-cli.js starts with `#!/usr/bin/env node` and there is no env here.
      for (const [bin, cli] of [
        ['npm', 'npm-cli.js'],
        ['npx', 'npx-cli.js'],
      ]) {
        const wrapper = path.join(root, 'usr/bin', bin);
        fs.writeFileSync(wrapper, `#!/bin/sh\nexec node ${path.join(npmDir, 'bin', cli)} "$@"\n`, {
          mode: 0o755,
        });
      }
    }
    if (fs.existsSync('/etc/ssl/certs/ca-certificates.crt'))
      copyInto(root, '/etc/ssl/certs/ca-certificates.crt');
    writeUsers(root, [['runlet', 10001]]);
    fs.mkdirSync(path.join(root, 'app'), { recursive: true });
    return `node ${version}${extra.length ? `, with ${extra.join(', ')}` : ''}`;
  },
);
