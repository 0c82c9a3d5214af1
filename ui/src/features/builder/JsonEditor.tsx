import { useEffect, useEffectEvent, useRef } from 'react';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { tags } from '@lezer/highlight';

/** Colours come from the theme's CSS variables, so light and dark both work. */
const jsonHighlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--code-key)' },
  { tag: tags.string, color: 'var(--code-string)' },
  { tag: tags.number, color: 'var(--code-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--code-atom)' },
  { tag: tags.invalid, color: 'var(--danger)' },
]);

const editorTheme = EditorView.theme({
  '&': {
    fontSize: '12px',
    borderRadius: 'var(--radius-md)',
    background: 'var(--surface)',
    color: 'var(--text)',
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', minHeight: '140px', maxHeight: '360px', lineHeight: '1.55' },
  '.cm-content': { padding: '8px 0', caretColor: 'var(--text)' },
  '.cm-gutters': { background: 'transparent', border: 'none', color: 'var(--text-faint)' },
  '.cm-activeLine': { background: 'transparent' },
  '.cm-placeholder': { color: 'var(--text-faint)' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground': { background: 'var(--accent-soft)' },
  '.cm-matchingBracket': { background: 'var(--accent-soft)', outline: 'none' },
  '.cm-tooltip': {
    border: '1px solid var(--border)',
    background: 'var(--surface-raised)',
    borderRadius: 'var(--radius-sm)',
  },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--danger)' },
});

/** JSON parse errors inline; an empty body is fine (no body is sent). */
const parseLinter = jsonParseLinter();
function lintJson(view: EditorView): Diagnostic[] {
  if (view.state.doc.toString().trim() === '') return [];
  return parseLinter(view);
}

/**
 * A CodeMirror 6 JSON editor as a controlled input: `value` in, `onChange` out.
 *
 * It lives in a shadow root: CodeMirror injects its styles at run time, and in a shadow
 * root they go into a constructed stylesheet, which a strict `style-src 'self'` CSP
 * allows (a <style> element in the document would be blocked). Colours come through the
 * theme's CSS variables, which cross the shadow boundary. The content element carries the
 * accessible name (role textbox) and, when there is one, the error as its description.
 */
/** The editor's starting state: `doc`, JSON highlighting and linting, and `onDocChange` on each edit. */
function editorState(doc: string, label: string, placeholder: string, onDocChange: (text: string) => void): EditorState {
  return EditorState.create({
    doc,
    extensions: [
      history(),
      indentOnInput(),
      bracketMatching(),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      json(),
      syntaxHighlighting(jsonHighlight),
      linter(lintJson, { delay: 250 }),
      lintGutter(),
      EditorView.lineWrapping,
      placeholderExt(placeholder),
      editorTheme,
      EditorView.contentAttributes.of({ 'aria-label': label, 'aria-describedby': 'description' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onDocChange(update.state.doc.toString());
      }),
    ],
  });
}

export function JsonEditor({
  value,
  onChange,
  label,
  invalid = false,
  description,
  placeholder,
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  invalid?: boolean;
  /** Announced with the editor (the error or the hint shown below it). */
  description?: string;
  placeholder?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const descriptionNode = useRef<HTMLSpanElement | null>(null);
  const changed = useEffectEvent((text: string) => onChange(text));
  // Read once, when the editor is made: later values arrive through the effect below, and
  // label and placeholder are fixed where the editor is used.
  const startState = useEffectEvent(() => editorState(value, label, placeholder ?? '', (text) => changed(text)));

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    shadow.replaceChildren();
    const describe = document.createElement('span');
    describe.id = 'description';
    describe.hidden = true;
    const parent = document.createElement('div');
    shadow.append(describe, parent);
    descriptionNode.current = describe;
    const editor = new EditorView({ parent, root: shadow, state: startState() });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
      shadow.replaceChildren();
    };
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const content = view.current?.contentDOM;
    if (!content) return;
    if (invalid) content.setAttribute('aria-invalid', 'true');
    else content.removeAttribute('aria-invalid');
    if (descriptionNode.current) descriptionNode.current.textContent = description ?? '';
  }, [invalid, description]);

  return <div ref={host} className={['json-editor', invalid ? 'json-editor--invalid' : ''].join(' ')} data-json-editor={label} />;
}
