#!/usr/bin/env node
// `npm run images:services [-- redis postgres registry] [-- --prefix P]`: the third-party services
// docker-compose.yml names, as images made from this machine's Debian packages (there is no Docker
// Hub here): redis-server, PostgreSQL (the stand-in for CockroachDB, which has no package), and
// Debian's docker-registry. Each holds the programs its compose health check runs. Tagged
// `runlet/<service>:local` (or `<prefix><service>:local`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { option, copyProgram, copyTree, writeUsers, importImage } = require('./rootfs');

const PG = fs.readdirSync('/usr/lib/postgresql').sort().pop(); // the installed major version

/** Writes an executable file into the root filesystem. */
function script(root, file, text) {
  fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text, { mode: 0o755 });
}

const SERVICES = {
  // As in the official redis image, protected mode is off (it refuses every client not on
  // loopback otherwise): the server is reachable only on the compose network.
  redis: {
    changes: [
      'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      'WORKDIR /data',
      'EXPOSE 6379',
      'CMD ["redis-server"]',
    ],
    fill(root) {
      for (const prog of ['redis-server', 'redis-cli']) copyProgram(root, prog);
      script(
        root,
        'usr/local/bin/redis-server',
        '#!/bin/sh\nexec /usr/bin/redis-server "$@" --protected-mode no\n',
      );
      writeUsers(root, []);
      fs.mkdirSync(path.join(root, 'data'), { recursive: true });
      return 'redis-server, redis-cli';
    },
  },
  // Runs as the postgres user (the server refuses root); initialises PGDATA on first start with
  // trust authentication: it is reachable only on the compose network.
  postgres: {
    changes: [
      `ENV PATH=/usr/lib/postgresql/${PG}/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data`,
      'USER postgres',
      'EXPOSE 5432',
      'CMD ["postgres-start"]',
    ],
    fill(root) {
      copyTree(root, `/usr/lib/postgresql/${PG}`, { withLibraries: true });
      copyTree(root, `/usr/share/postgresql/${PG}`);
      copyTree(root, '/usr/share/zoneinfo');
      for (const prog of ['mkdir', 'cat']) copyProgram(root, prog);
      writeUsers(root, [['postgres', 999]]);
      fs.mkdirSync(path.join(root, 'var/lib/postgresql/data'), { recursive: true });
      fs.mkdirSync(path.join(root, 'var/run/postgresql'), { recursive: true });
      require('node:child_process').execFileSync('chown', [
        '-R',
        '999:999',
        path.join(root, 'var/lib/postgresql'),
        path.join(root, 'var/run/postgresql'),
      ]);
      script(
        root,
        'usr/bin/postgres-start',
        `#!/bin/sh
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  initdb -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
  echo "host all all all trust" >> "$PGDATA/pg_hba.conf"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
`,
      );
      return `PostgreSQL ${PG}`;
    },
  },
  registry: {
    changes: [
      'ENV PATH=/usr/bin:/bin',
      'EXPOSE 5000',
      'CMD ["docker-registry", "serve", "/etc/docker/registry/config.yml"]',
    ],
    fill(root) {
      for (const prog of ['docker-registry', 'wget']) copyProgram(root, prog);
      writeUsers(root, []);
      // The upstream registry image's configuration: filesystem storage in /var/lib/registry, no auth.
      fs.mkdirSync(path.join(root, 'etc/docker/registry'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'etc/docker/registry/config.yml'),
        'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/registry\n  delete:\n    enabled: true\nhttp:\n  addr: :5000\n',
      );
      fs.mkdirSync(path.join(root, 'var/lib/registry'), { recursive: true });
      return 'docker-registry, wget';
    },
  },
};

const prefix = option('prefix', 'runlet/');
const named = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
for (const name of named.length ? named : Object.keys(SERVICES)) {
  const service = SERVICES[name];
  if (!service) throw new Error(`unknown service ${name} (one of ${Object.keys(SERVICES).join(', ')})`);
  importImage(`${prefix}${name}:local`, service.changes, service.fill);
}
