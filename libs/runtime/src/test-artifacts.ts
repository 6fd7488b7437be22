import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Hand-written artifacts for the runtime's tests (the builder's output format). */
export class TestArtifacts {
  readonly root = mkdtempSync(join(tmpdir(), 'runlet-artifacts-'));
  private count = 0;

  /** An artifact dir whose main.mjs is `code`; `files` adds more files (e.g. a source map). */
  create(
    code: string,
    opts: { files?: Record<string, string>; nodeModulesDir?: string | null } = {},
  ): string {
    const dir = join(this.root, `a${++this.count}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.mjs'), code);
    for (const [name, content] of Object.entries(opts.files ?? {})) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    const manifest = {
      entry: 'main.mjs',
      nodeModulesDir: opts.nodeModulesDir ?? null,
      scriptId: 's',
      version: 1,
    };
    writeFileSync(join(dir, 'artifact.json'), JSON.stringify(manifest));
    return dir;
  }

  /** A node_modules dir holding one CommonJS package. */
  nodeModules(name: string, indexJs: string): string {
    const dir = join(this.root, `nm${++this.count}`, 'node_modules');
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(
      join(dir, name, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', main: 'index.js' }),
    );
    writeFileSync(join(dir, name, 'index.js'), indexJs);
    return dir;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
