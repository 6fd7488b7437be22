import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { Database } from '@runlet/event-store';
import { freshDatabase } from '@runlet/testing';
import {
  buildMigrations,
  collectPackageTypes,
  PackageTypesTable,
  ScriptBuilder,
  type BuildOutput,
} from './index';

// Real npm against the real registry, the real database.
jest.setTimeout(120_000);

/** dayjs ships its own index.d.ts; ms ships none, its types come from @types/ms (listed by the script). */
const SCRIPT = `
import dayjs from 'dayjs';
import ms from 'ms';
export default async () => ({ at: dayjs().format('YYYY'), ms: ms('2s') });
`;

/**
 * What the console's editor does with the files: a language service over exactly them
 * (module resolution as in apps/web/components/ts.worker.ts), answering the user's file's errors.
 */
function typeErrors(files: Record<string, string>, code: string): string[] {
  const all = new Map(Object.entries(files).map(([p, text]) => [`/${p}`, text]));
  all.set('/script.ts', code);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noLib: true,
    types: [],
  };
  const host: ts.CompilerHost = {
    ...ts.createCompilerHost(options),
    getCurrentDirectory: () => '/',
    fileExists: (f) => all.has(f),
    readFile: (f) => all.get(f),
    directoryExists: (d) => [...all.keys()].some((f) => f.startsWith(d.endsWith('/') ? d : `${d}/`)),
    getDirectories: () => [],
    realpath: (f) => f,
    getSourceFile: (f, target) => (all.has(f) ? ts.createSourceFile(f, all.get(f)!, target) : undefined),
  };
  const program = ts.createProgram(['/script.ts'], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile('/script.ts'))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    .filter((m) => !/global type|Cannot find name 'Promise'/.test(m)); // noLib: no standard library here
}

describe('package types for the editor (real npm install)', () => {
  let db: Database;
  let dataDir: string;
  let builder: ScriptBuilder;
  let table: PackageTypesTable;
  let first: BuildOutput;

  beforeAll(async () => {
    db = await freshDatabase('package_types', buildMigrations);
    table = new PackageTypesTable(db);
    dataDir = mkdtempSync(join(tmpdir(), 'runlet-types-'));
    builder = new ScriptBuilder({ dataDir, packageTypes: table });
    first = await builder.build({
      scriptId: 'scr_types',
      version: 1,
      code: SCRIPT,
      language: 'typescript',
      dependencies: { dayjs: '1.11.10', '@types/ms': '*' },
    });
  });

  afterAll(async () => {
    await builder?.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps the packages' own declarations and a listed @types package, nothing of an untyped one", async () => {
    const stored = await table.load(first.lockfileHash);
    expect(stored).not.toBeNull();
    const files = stored!.files;
    expect(files['node_modules/dayjs/index.d.ts']).toContain('declare function dayjs');
    expect(JSON.parse(files['node_modules/dayjs/package.json'])).toMatchObject({
      name: 'dayjs',
      types: 'index.d.ts',
    });
    expect(files['node_modules/@types/ms/index.d.ts']).toContain('declare function ms');
    expect(Object.keys(files).filter((f) => f.startsWith('node_modules/ms/'))).toEqual([]);
    expect(Object.keys(files).every((f) => /\.d\.(c|m)?ts$|\/package\.json$/.test(f))).toBe(true);
    expect(stored!.bytes).toBe(Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0));
    expect(first.log).toContain('editor types: 2 package(s) with declarations');
  });

  it('is enough for a type checker to know the packages: a wrong call is an error, a right one is not', async () => {
    const { files } = (await table.load(first.lockfileHash))!;
    expect(
      typeErrors(files, `import dayjs from 'dayjs';\nexport const s: string = dayjs().format('YYYY');\n`),
    ).toEqual([]);
    expect(typeErrors(files, `import dayjs from 'dayjs';\ndayjs().notAMethod();\n`)).toEqual([
      "Property 'notAMethod' does not exist on type 'Dayjs'.",
    ]);
    // @types/ms: ms(number) formats, so it returns a string.
    expect(typeErrors(files, `import ms from 'ms';\nexport const n: number = ms(42);\n`)).toEqual([
      "Type 'string' is not assignable to type 'number'.",
    ]);
  });

  it('a build with the same lockfile reuses the stored declarations without walking the install again', async () => {
    const second = await builder.build({
      scriptId: 'scr_types',
      version: 2,
      code: SCRIPT + '\n// v2\n',
      language: 'typescript',
      dependencies: { dayjs: '1.11.10', '@types/ms': '*' },
    });
    expect(second.lockfileHash).toBe(first.lockfileHash);
    expect(second.log).not.toContain('editor types:');
    expect(await db.query(`SELECT lockfile_hash FROM package_types`)).toEqual([
      { lockfile_hash: first.lockfileHash },
    ]);
  });

  it('keeps a package whole or leaves it out, within the byte limit', async () => {
    const installDir = dirname(first.nodeModulesDir!);
    const lockfile = first.lockfile;
    const whole = await collectPackageTypes(installDir, lockfile, ['dayjs', 'ms']);
    const msBytes = Object.entries(whole.files)
      .filter(([f]) => f.startsWith('node_modules/@types/ms/'))
      .reduce((n, [, t]) => n + Buffer.byteLength(t), 0);
    // Room for @types/ms only: dayjs (ranked first, but larger) is left out, whole, and said so.
    const limited = await collectPackageTypes(installDir, lockfile, ['dayjs', 'ms'], msBytes);
    expect(Object.keys(limited.files).sort()).toEqual(
      Object.keys(whole.files)
        .filter((f) => f.startsWith('node_modules/@types/ms/'))
        .sort(),
    );
    expect(limited.omitted).toEqual([
      { name: 'dayjs', reason: expect.stringContaining(`exceed what is left of the ${msBytes}-byte limit`) },
    ]);
  });

  it('a script without dependencies stores nothing', async () => {
    const none = await builder.build({
      scriptId: 'scr_types',
      version: 3,
      code: 'export default () => 1;\n',
      language: 'typescript',
      dependencies: {},
    });
    expect(await table.has(none.lockfileHash)).toBe(false);
    expect(none.log).not.toContain('editor types:');
  });
});
