#!/usr/bin/env node
// A stand-in for npm in unit tests: "resolves" every dependency to its pin (or 1.0.0), writes a
// package-lock.json and a tiny node_modules, and records each run so tests can check concurrency.
// FAKE_NPM_DELAY_MS slows it down; FAKE_NPM_LOG is a file that gets one JSON line per run.
// `native-*` packages ship a (fake) compiled addon; `scripted-*` packages have a postinstall script.
const fs = require('fs');
const path = require('path');

const [command] = process.argv.slice(2);
const cwd = process.cwd();
const started = Date.now();
const pkg = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8'));
const hadLockfile = fs.existsSync(path.join(cwd, 'package-lock.json'));

setTimeout(
  () => {
    const deps = pkg.dependencies || {};
    fs.mkdirSync(path.join(cwd, 'node_modules'), { recursive: true });
    const lock = {
      name: pkg.name,
      version: pkg.version,
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: pkg.name, version: pkg.version, dependencies: deps } },
    };
    const previous = hadLockfile
      ? JSON.parse(fs.readFileSync(path.join(cwd, 'package-lock.json'), 'utf8'))
      : null;
    for (const [name, range] of Object.entries(deps)) {
      // Half-write a package before failing, like a real interrupted install.
      fs.mkdirSync(path.join(cwd, 'node_modules', name), { recursive: true });
      if (name.startsWith('missing-')) {
        console.error('npm error code E404');
        console.error(`npm error 404 Not Found - GET https://registry.npmjs.org/${name} - Not found`);
        console.error(`npm error 404  '${name}@${range}' is not in this registry.`);
        finish(1);
        return;
      }
      const locked = previous && previous.packages && previous.packages[`node_modules/${name}`];
      const version = /^\d+\.\d+\.\d+$/.test(range)
        ? range
        : locked
          ? locked.version
          : process.env.FAKE_NPM_VERSION || '1.0.0';
      lock.packages[`node_modules/${name}`] = { version };
      const dir = path.join(cwd, 'node_modules', name);
      const manifest = { name, version, main: 'index.js' };
      if (name.startsWith('scripted-')) manifest.scripts = { postinstall: 'node -e 1' };
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
      if (name.startsWith('native-')) {
        fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'build', 'Release', 'addon.node'), 'not really an addon');
        fs.writeFileSync(
          path.join(dir, 'index.js'),
          `module.exports = require('./build/Release/addon.node');`,
        );
      } else {
        fs.writeFileSync(
          path.join(dir, 'index.js'),
          `module.exports = ${JSON.stringify(name + '@' + version)};`,
        );
      }
    }
    if (command === 'install')
      fs.writeFileSync(path.join(cwd, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
    finish(0);
  },
  Number(process.env.FAKE_NPM_DELAY_MS || 0),
);

function finish(code) {
  if (process.env.FAKE_NPM_LOG) {
    const line = {
      command,
      args: process.argv.slice(3),
      hadLockfile,
      deps: pkg.dependencies,
      started,
      ended: Date.now(),
      code,
    };
    fs.appendFileSync(process.env.FAKE_NPM_LOG, JSON.stringify(line) + '\n');
  }
  process.exit(code);
}
