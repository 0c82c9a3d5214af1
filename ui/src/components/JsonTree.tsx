import { useMemo, useState } from 'react';
import type { JsonValue } from '../api/types';
import { formatNumber } from '../lib/locale';

/** Children shown per "show more" step, so a 10,000-item array stays fast. */
const CHUNK = 100;
/** Longer strings are cut until asked for. */
const LONG_STRING = 300;

function Primitive({ value }: { value: null | boolean | number | string }) {
  const [full, setFull] = useState(false);
  if (value === null) return <span className="json-tree__atom">null</span>;
  if (typeof value === 'boolean') return <span className="json-tree__atom">{String(value)}</span>;
  if (typeof value === 'number') return <span className="json-tree__number">{String(value)}</span>;
  if (value.length > LONG_STRING && !full) {
    return (
      <span className="json-tree__string">
        {JSON.stringify(value.slice(0, LONG_STRING)).slice(0, -1)}…&quot;{' '}
        <button type="button" className="json-tree__more" onClick={() => setFull(true)}>
          show all {formatNumber(value.length)} characters
        </button>
      </span>
    );
  }
  return <span className="json-tree__string">{JSON.stringify(value)}</span>;
}

function Key({ name }: { name: string | number | null }) {
  if (name === null) return null;
  return (
    <>
      <span className={typeof name === 'number' ? 'json-tree__index' : 'json-tree__key'}>
        {typeof name === 'number' ? name : JSON.stringify(name)}
      </span>
      <span className="json-tree__punct">: </span>
    </>
  );
}

/** Clicking a value picks it, with its path (`data.items[0].ok`). */
export type OnPick = (path: string, value: null | boolean | number | string) => void;

/**
 * The path of `key` under `parent` as checks and dynamic fields write it (dots, and brackets
 * for indexes); null when the engine's paths cannot name it (a key with a dot or bracket).
 */
export function childPath(parent: string | null, key: string | number): string | null {
  if (parent === null) return null;
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (key === '' || /[.[\]]/.test(key)) return null;
  return parent ? `${parent}.${key}` : key;
}

const PICK_TEXT = 60;

/** A value that can be picked: a button that says what picking it does. */
function Pickable({ path, value, onPick }: { path: string; value: null | boolean | number | string; onPick: OnPick }) {
  const text = JSON.stringify(value);
  // a long value is cut, on screen and in its name alike
  const shown = text.length > PICK_TEXT ? `${text.slice(0, PICK_TEXT)}…` : text;
  return (
    <button type="button" className="json-tree__pick" aria-label={`Check that ${path} equals ${shown}`} title={`Check that ${path} equals this`} onClick={() => onPick(path, value)}>
      <span className={typeof value === 'string' ? 'json-tree__string' : typeof value === 'number' ? 'json-tree__number' : 'json-tree__atom'}>{shown}</span>
    </button>
  );
}

function Node({
  name,
  value,
  depth,
  expandDepth,
  path,
  onPick,
}: {
  name: string | number | null;
  value: JsonValue;
  depth: number;
  expandDepth: number;
  path: string | null;
  onPick: OnPick | undefined;
}) {
  const isArray = Array.isArray(value);
  const isObject = value !== null && typeof value === 'object';
  const entries = useMemo<Array<[string | number, JsonValue]>>(
    () => (!isObject ? [] : Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)),
    [value, isObject],
  );
  const [open, setOpen] = useState(() => depth === 0 || (depth < expandDepth && entries.length <= 50));
  const [shown, setShown] = useState(CHUNK);

  if (!isObject) {
    return (
      <div className="json-tree__row">
        <Key name={name} />
        {onPick && path ? <Pickable path={path} value={value} onPick={onPick} /> : <Primitive value={value} />}
      </div>
    );
  }
  const [openBracket, closeBracket] = isArray ? ['[', ']'] : ['{', '}'];
  const count = entries.length;
  const summary = isArray ? `${count} ${count === 1 ? 'item' : 'items'}` : `${count} ${count === 1 ? 'key' : 'keys'}`;
  if (count === 0) {
    return (
      <div className="json-tree__row">
        <Key name={name} />
        <span className="json-tree__punct">
          {openBracket}
          {closeBracket}
        </span>
      </div>
    );
  }
  const rest = count - shown;
  return (
    <div className="json-tree__node">
      <button
        type="button"
        className="json-tree__toggle"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        title={open ? 'Fold' : 'Unfold'}
      >
        <span className="json-tree__caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <Key name={name} />
        <span className="json-tree__punct">{openBracket}</span>
        {!open && (
          <>
            <span className="json-tree__summary"> {summary} </span>
            <span className="json-tree__punct">{closeBracket}</span>
          </>
        )}
      </button>
      {open && (
        <>
          <div className="json-tree__children">
            {entries.slice(0, shown).map(([key, child]) => (
              <Node key={key} name={key} value={child} depth={depth + 1} expandDepth={expandDepth} path={childPath(path, key)} onPick={onPick} />
            ))}
            {rest > 0 && (
              <button type="button" className="json-tree__more" onClick={() => setShown((s) => s + CHUNK)}>
                show {Math.min(CHUNK, rest)} more of {formatNumber(rest)}
              </button>
            )}
          </div>
          <div className="json-tree__row json-tree__punct">{closeBracket}</div>
        </>
      )}
    </div>
  );
}

/**
 * A JSON value as a foldable tree. Only unfolded nodes are rendered, long arrays and
 * objects show a hundred children at a time, and long strings are cut, so a large body
 * opens at once. With `onPick`, each value a path can name is a button that picks it.
 */
export function JsonTree({ value, label, expandDepth = 2, onPick }: { value: JsonValue; label: string; expandDepth?: number; onPick?: OnPick }) {
  return (
    <div className={onPick ? 'json-tree json-tree--pick' : 'json-tree'} aria-label={label} role="group">
      <Node name={null} value={value} depth={0} expandDepth={expandDepth} path="" onPick={onPick} />
    </div>
  );
}
