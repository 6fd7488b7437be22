import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NextResponse } from 'next/server';

/** The libs scripts are checked against: the language (ES2022) and the web APIs Node 20 has globally. */
const ROOT_LIBS = ['es2022', 'dom'];

let cached: Promise<Record<string, string>> | undefined;

/**
 * TypeScript's standard library files for the editor's language service (in a Web Worker), served
 * by the console itself so nothing comes from a CDN: the root libs and every lib they reference.
 */
export async function GET() {
  cached ??= loadLibs();
  return NextResponse.json(await cached, { headers: { 'cache-control': 'public, max-age=86400' } });
}

async function loadLibs(): Promise<Record<string, string>> {
  const dir = typescriptLibDir();
  const files: Record<string, string> = {};
  const pending = [...ROOT_LIBS];
  while (pending.length) {
    const name = pending.pop()!;
    const file = `lib.${name}.d.ts`;
    if (files[`/${file}`] !== undefined) continue;
    const text = await readFile(join(dir, file), 'utf8');
    files[`/${file}`] = text;
    for (const m of text.matchAll(/\/\/\/\s*<reference\s+lib="([^"]+)"/g)) pending.push(m[1].toLowerCase());
  }
  return files;
}

/** typescript/lib in the nearest node_modules up from the console's directory (the bundler hides require.resolve). */
function typescriptLibDir(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'typescript', 'lib');
    if (existsSync(join(candidate, 'lib.d.ts'))) return candidate;
    if (dirname(dir) === dir) throw new Error('typescript is not installed');
  }
}
