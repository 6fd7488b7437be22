/// <reference lib="webworker" />
import { createSystem, createVirtualTypeScriptEnvironment } from '@typescript/vfs';
import ts from 'typescript';
import * as Comlink from 'comlink';
import { createWorker } from '@valtown/codemirror-ts/worker';
import { ANY_MODULE_DTS, SCRIPT_CONTRACT_DTS } from '../lib/script-types';

/**
 * The editor's TypeScript language service, off the main thread. Standard libs come from the
 * console's own `/api/ts-libs` (never a CDN); the script contract (`event`, `ctx`) is an ambient file.
 */
Comlink.expose(
  createWorker(async () => {
    const libs = (await (await fetch(`${self.location.origin}/api/ts-libs`)).json()) as Record<
      string,
      string
    >;
    const fsMap = new Map<string, string>(Object.entries(libs));
    fsMap.set('/runlet-contract.d.ts', SCRIPT_CONTRACT_DTS);
    fsMap.set('/runlet-any-module.d.ts', ANY_MODULE_DTS);
    const system = createSystem(fsMap);
    const options: ts.CompilerOptions = {
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
    return createVirtualTypeScriptEnvironment(
      system,
      ['/runlet-contract.d.ts', '/runlet-any-module.d.ts'],
      ts,
      options,
    );
  }),
);
