import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMigrations, PackageTypesTable, ScriptBuilder } from '@runlet/build';
import { Database, EventStore } from '@runlet/event-store';
import { freshDatabase } from '@runlet/testing';
import { BuildHistory } from './build-history';
import { StoreGarbageCollector } from './store-gc';

// Real npm against the real registry, the real database.
jest.setTimeout(120_000);

describe('store garbage collection (real npm install, real database)', () => {
  let db: Database;
  let dataDir: string;
  let builder: ScriptBuilder;

  beforeAll(async () => {
    db = await freshDatabase('store_gc', buildMigrations);
    dataDir = mkdtempSync(join(tmpdir(), 'runlet-gc-'));
  });
  afterAll(async () => {
    await builder?.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("removes an unreferenced install together with its editor types, and keeps another's", async () => {
    const types = new PackageTypesTable(db);
    builder = new ScriptBuilder({ dataDir, packageTypes: types });
    const out = await builder.build({
      scriptId: 'scr_gc',
      version: 1,
      code: `import dayjs from 'dayjs';\nexport default () => dayjs().format();\n`,
      language: 'typescript',
      dependencies: { dayjs: '1.11.10' },
    });
    expect(await types.has(out.lockfileHash)).toBe(true);
    const other = 'f'.repeat(64); // a row of another builder's install, which this store never had
    await types.save(other, { files: {}, bytes: 0, omitted: [] });

    // No build is recorded in this database: nothing references the install.
    const gc = new StoreGarbageCollector(
      builder,
      new BuildHistory(db, new EventStore(db)),
      0,
      undefined,
      types,
    );
    expect(await gc.collect(0)).toEqual([out.lockfileHash]);
    expect(await types.has(out.lockfileHash)).toBe(false);
    expect(await types.has(other)).toBe(true);
  });
});
