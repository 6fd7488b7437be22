import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedPostgresBin, initdbArgs, pickServerUser, postgresArgs } from './embedded-postgres';

describe('embedded PostgreSQL', () => {
  it("runs as the 'postgres' account where it exists, else as 'nobody' (never root)", () => {
    const users = {
      postgres: { name: 'postgres', uid: 101, gid: 104 },
      nobody: { name: 'nobody', uid: 65534, gid: 65534 },
    };
    expect(pickServerUser((name) => users[name as keyof typeof users])).toEqual(users.postgres);
    expect(pickServerUser((name) => (name === 'nobody' ? users.nobody : undefined))).toEqual(users.nobody);
    expect(() => pickServerUser(() => undefined)).toThrow('cannot run as root');
  });

  it("creates the cluster for the URL's user with trust auth, listens only on the given address", () => {
    expect(initdbArgs('/d/postgres', 'postgres')).toEqual(
      expect.arrayContaining(['--pgdata=/d/postgres', '--username=postgres', '--auth=trust']),
    );
    expect(postgresArgs('/d/postgres', '127.0.0.1', 5432)).toEqual(
      expect.arrayContaining(['-D', '/d/postgres', '-h', '127.0.0.1', '-p', '5432']),
    );
  });

  it("finds the package's initdb and postgres binaries for this platform", () => {
    const bin = embeddedPostgresBin();
    expect(existsSync(join(bin, 'initdb'))).toBe(true);
    expect(existsSync(join(bin, 'postgres'))).toBe(true);
  });
});
