'use client';
import { autocompletion } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { forceLinting, linter } from '@codemirror/lint';
import { Prec, StateEffect } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import {
  tsAutocompleteWorker,
  tsFacetWorker,
  tsHoverWorker,
  tsLinterWorker,
  tsSyncWorker,
} from '@valtown/codemirror-ts';
import { basicSetup } from 'codemirror';
import * as Comlink from 'comlink';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api';
import { editorTheme } from './editor-theme';
import type { TypeScriptWorker } from './ts.worker';

/** The language service's packages' types changed: the code is linted again though it did not change. */
const packageTypesChanged = StateEffect.define<null>();
const relintOnPackageTypes = linter(null, {
  needsRefresh: (u) => u.transactions.some((t) => t.effects.some((e) => e.is(packageTypesChanged))),
});

let shared: Promise<Comlink.Remote<TypeScriptWorker>> | undefined;

/** One TypeScript language service per tab, in a Web Worker, shared by every editor on the page. */
function languageService(): Promise<Comlink.Remote<TypeScriptWorker>> {
  shared ??= (async () => {
    const worker = Comlink.wrap<TypeScriptWorker>(
      new Worker(new URL('./ts.worker.ts', import.meta.url), { type: 'module', name: 'typescript' }),
    );
    await worker.initialize();
    return worker;
  })();
  return shared;
}

interface Props {
  path: string;
  value: string;
  onChange: (code: string) => void;
  onSave?: () => void;
  onRun?: () => void;
  label: string;
  /**
   * API path of the packages' declarations to load into the language service (a build's
   * `/scripts/:id/versions/:v/types`); null: none (imports are `any`).
   */
  packageTypes?: string | null;
}

/**
 * CodeMirror 6 with TypeScript highlighting, diagnostics, completion and hover from the worker's
 * language service. Ctrl/Cmd+S saves, Ctrl/Cmd+Enter runs.
 */
export function CodeEditor({ path, value, onChange, onSave, onRun, label, packageTypes = null }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const handlers = useRef({ onChange, onSave, onRun });
  handlers.current = { onChange, onSave, onRun };
  const [ready, setReady] = useState(false);
  /** The `packageTypes` the language service has loaded (for the page and its tests). */
  const [typesLoaded, setTypesLoaded] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void languageService().then((worker) => {
      if (cancelled || !host.current) return;
      view.current = new EditorView({
        doc: value,
        parent: host.current,
        extensions: [
          Prec.highest(
            keymap.of([
              { key: 'Mod-s', preventDefault: true, run: () => (handlers.current.onSave?.(), true) },
              { key: 'Mod-Enter', preventDefault: true, run: () => (handlers.current.onRun?.(), true) },
            ]),
          ),
          basicSetup,
          javascript({ typescript: true }),
          editorTheme,
          EditorView.contentAttributes.of({ 'aria-label': label }),
          tsFacetWorker.of({ worker, path }),
          tsSyncWorker(),
          tsLinterWorker(),
          relintOnPackageTypes,
          autocompletion({ override: [tsAutocompleteWorker()] }),
          tsHoverWorker(),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) handlers.current.onChange(u.state.doc.toString());
          }),
        ],
      });
      // The scroller is a keyboard-reachable region of its own (axe: scrollable-region-focusable).
      view.current.scrollDOM.tabIndex = 0;
      view.current.scrollDOM.setAttribute('aria-label', `${label}, scrollable`);
      setReady(true);
    });
    return () => {
      cancelled = true;
      view.current?.destroy();
      view.current = null;
    };
    // The editor is created once per path; later values arrive through the effect below.
  }, [path]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    if (!ready || !packageTypes) return;
    let cancelled = false;
    void (async () => {
      let files: Record<string, string> = {};
      try {
        files = (await api<{ files: Record<string, string> }>(packageTypes)).files;
      } catch {
        // No types for this build (yet): its imports stay `any`, as before it ran.
      }
      if (cancelled) return;
      const worker = await languageService();
      await worker.setPackageTypes(files);
      if (cancelled || !view.current) return;
      view.current.dispatch({ effects: packageTypesChanged.of(null) });
      forceLinting(view.current);
      setTypesLoaded(packageTypes);
    })();
    return () => {
      cancelled = true;
    };
  }, [ready, packageTypes]);

  return (
    <div className="editor-box">
      {!ready && (
        <p className="state" role="status">
          Loading the editor…
        </p>
      )}
      <div
        ref={host}
        className="editor"
        data-testid="code-editor"
        data-ready={ready ? 'true' : 'false'}
        data-package-types={typesLoaded ?? ''}
      />
    </div>
  );
}
