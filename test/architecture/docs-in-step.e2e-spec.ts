import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatform, TestPlatform } from '../support/platform';

const ROOT = join(__dirname, '..', '..');
const DOCS = join(ROOT, 'docs');
const read = (file: string) => readFileSync(join(DOCS, file), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(name) ? [path] : [];
  });
}

describe('docs/ in step with the code', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform('docs_in_step', { roles: ['api'] });
  });
  afterAll(() => p.close());

  it('docs/api.md has every route of the OpenAPI document the platform serves', async () => {
    const res = await fetch(`${p.url}/api/docs-json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(routes.length).toBeGreaterThan(20);
    const api = read('api.md');
    expect(routes.filter((route) => !api.includes('`' + route + '`'))).toEqual([]);
  });

  it('docs/events.md has a section for every event type the domain can produce', () => {
    const types = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'libs', 'domain', 'src')))
      for (const match of readFileSync(file, 'utf8').matchAll(/DomainEvent<\s*'(\w+)'/g)) types.add(match[1]);
    expect(types.size).toBeGreaterThan(20);
    const headings = read('events.md')
      .split('\n')
      .filter((line) => line.startsWith('### '))
      .flatMap((line) => line.slice(4).split(' / '));
    expect([...types].filter((type) => !headings.includes(type))).toEqual([]);
  });

  it('no doc points outside the repository (a clone has no design notes beside it)', () => {
    const outside = readdirSync(DOCS).filter((file) => /DESIGN\.md|\.\.\/shared/.test(read(file)));
    expect(outside).toEqual([]);
  });
});
