import type { ResponseChange } from '../../api/types';
import { formatNumber } from '../../lib/locale';
import { valueText } from './words';
import './checks.css';

const LONG = 160;

function Value({ value, side }: { value: ResponseChange['before']; side: 'before' | 'after' }) {
  const text = valueText(value);
  return (
    <code className={`change__value change__value--${side}`} title={text.length > LONG ? text : undefined}>
      {text.length > LONG ? `${text.slice(0, LONG)}…` : text}
    </code>
  );
}

/**
 * What `job.changed` found, path by path: `status 503 → 200`, `body.items[0].ok true → false`,
 * a path added or removed said so; and how many more the engine left out.
 */
export function ChangeList({ changes, more }: { changes: readonly ResponseChange[]; more: number }) {
  return (
    <ul className="changes" aria-label="What changed">
      {changes.map((change) => (
        <li key={change.path} className="change">
          <code className="change__path">{change.path}</code>
          {change.before === undefined ? (
            <>
              <span className="change__kind">added</span>
              <Value value={change.after} side="after" />
            </>
          ) : change.after === undefined ? (
            <>
              <span className="change__kind">removed, was</span>
              <Value value={change.before} side="before" />
            </>
          ) : (
            <>
              <Value value={change.before} side="before" />
              <span className="change__arrow">→</span>
              <Value value={change.after} side="after" />
            </>
          )}
        </li>
      ))}
      {more > 0 && <li className="change change--more faint">and {formatNumber(more)} more {more === 1 ? 'difference' : 'differences'}</li>}
    </ul>
  );
}
