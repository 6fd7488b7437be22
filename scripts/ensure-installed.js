// `npm start` on a fresh clone: install dependencies first when node_modules is missing or stale.
const { existsSync, statSync } = require('node:fs');
const { execSync } = require('node:child_process');
const lock = 'package-lock.json';
const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
  console.log('[runlet] installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
