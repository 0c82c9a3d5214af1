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

function Node({ name, value, depth, expandDepth }: { name: string | number | null; value: JsonValue; depth: number; expandDepth: number }) {
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
        <Primitive value={value} />
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
              <Node key={key} name={key} value={child} depth={depth + 1} expandDepth={expandDepth} />
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
 * opens at once.
 */
export function JsonTree({ value, label, expandDepth = 2 }: { value: JsonValue; label: string; expandDepth?: number }) {
  return (
    <div className="json-tree" aria-label={label} role="group">
      <Node name={null} value={value} depth={0} expandDepth={expandDepth} />
    </div>
  );
}
