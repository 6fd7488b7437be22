/// <reference lib="webworker" />
import { createSystem, createVirtualTypeScriptEnvironment } from '@typescript/vfs';
import ts from 'typescript';
import * as Comlink from 'comlink';
import { createWorker } from '@valtown/codemirror-ts/worker';
import { ANY_MODULE_DTS, SCRIPT_CONTRACT_DTS } from '../lib/script-types';

/**
 * The editor's TypeScript language service, off the main thread. Standard libs come from the
 * console's own `/api/ts-libs` (never a CDN); the script contract (`event`, `ctx`) is an ambient
 * file; the packages' declarations the script's build installed sit in a virtual `/node_modules`,
 * where module resolution finds them (an import without them is `any`).
 */
let libs: Promise<Record<string, string>> | undefined;
/** `/node_modules/<pkg>/…` → text, as last set by the page. */
let packageTypes: Record<string, string> = {};
/** The editors' own files, carried into a rebuilt environment. */
const editorFiles = new Map<string, string>();

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  strict: true,
  noImplicitAny: false,
  esModuleInterop: true,
  allowJs: true,
  checkJs: false,
  skipLibCheck: true,
};

async function environment() {
  libs ??= fetch(`${self.location.origin}/api/ts-libs`).then((r) => r.json());
  const fsMap = new Map<string, string>(Object.entries(await libs));
  for (const [path, text] of Object.entries(packageTypes)) fsMap.set(path, text);
  fsMap.set('/runlet-contract.d.ts', SCRIPT_CONTRACT_DTS);
  fsMap.set('/runlet-any-module.d.ts', ANY_MODULE_DTS);
  const env = createVirtualTypeScriptEnvironment(
    createSystem(fsMap),
    ['/runlet-contract.d.ts', '/runlet-any-module.d.ts'],
    ts,
    OPTIONS,
  );
  for (const [path, code] of editorFiles) env.createFile(path, code);
  return env;
}

const service = createWorker(environment);

const worker = {
  ...service,
  updateFile(file: { path: string; code: string }) {
    editorFiles.set(file.path, file.code);
    service.updateFile(file);
  },
  /**
   * Replaces the packages' declarations (`node_modules/<pkg>/…`, as the API answers them; placed
   * at the root, above the editors' `/scripts/…` files). The environment is built anew: a
   * language service keeps the module resolutions it made before the files existed.
   */
  async setPackageTypes(files: Record<string, string>) {
    packageTypes = Object.fromEntries(Object.entries(files).map(([path, text]) => [`/${path}`, text]));
    await service.initialize();
  },
};

export type TypeScriptWorker = typeof worker;

Comlink.expose(worker);
