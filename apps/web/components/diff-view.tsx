'use client';
import { javascript } from '@codemirror/lang-javascript';
import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { editorTheme } from './editor-theme';

/** A read-only side-by-side diff of two versions' code. */
export function DiffView({ left, right, label }: { left: string; right: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const extensions = [
      javascript({ typescript: true }),
      editorTheme,
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
    ];
    const view = new MergeView({
      a: {
        doc: left,
        extensions: [...extensions, EditorView.contentAttributes.of({ 'aria-label': `${label}: left` })],
      },
      b: {
        doc: right,
        extensions: [...extensions, EditorView.contentAttributes.of({ 'aria-label': `${label}: right` })],
      },
      parent: host.current,
    });
    // Read-only panes have nothing focusable inside: the scrollers take the focus themselves.
    for (const [pane, side] of [
      [view.a, 'left'],
      [view.b, 'right'],
    ] as const) {
      pane.scrollDOM.tabIndex = 0;
      pane.scrollDOM.setAttribute('aria-label', `${label}: ${side}, scrollable`);
    }
    return () => view.destroy();
  }, [left, right, label]);
  return (
    <figure className="diff">
      <figcaption>{label}</figcaption>
      <div ref={host} data-testid="diff-view" />
    </figure>
  );
}
