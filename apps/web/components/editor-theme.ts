import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

/** Colours with at least 4.5:1 contrast on white (axe's AA rule), gutters included. */
export const editorTheme = [
  EditorView.theme({
    '&': { fontSize: '14px', border: '1px solid #6b6b6b', borderRadius: '4px', minHeight: '14rem' },
    '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', minHeight: '14rem' },
    '.cm-gutters': { backgroundColor: '#f3f3f3', color: '#4a4a4a', borderRight: '1px solid #ccc' },
    '.cm-activeLineGutter': { backgroundColor: '#e2e2e2', color: '#1a1a1a' },
    '.cm-tooltip': { color: '#1a1a1a', backgroundColor: '#fff' },
    '.cm-diagnosticText': { color: '#1a1a1a' },
  }),
  syntaxHighlighting(
    HighlightStyle.define([
      { tag: t.keyword, color: '#7a1fa2' },
      { tag: [t.string, t.special(t.string)], color: '#a31515' },
      { tag: t.comment, color: '#4d6b28', fontStyle: 'italic' },
      { tag: [t.number, t.bool, t.null], color: '#005c8a' },
      { tag: [t.typeName, t.className], color: '#1f6f5c' },
      { tag: [t.function(t.variableName), t.function(t.propertyName)], color: '#6b4b00' },
      { tag: t.propertyName, color: '#1b4f8a' },
      { tag: t.operator, color: '#333' },
    ]),
  ),
];
