import { useMemo, useState } from 'react';
import { parseJsonText } from '../lib/json';
import { JsonTree } from './JsonTree';
import { SegmentedControl } from './SegmentedControl';
import { formatNumber } from '../lib/locale';

/** Raw text past this many characters waits for "show all" (the DOM, not the data, is the cost). */
const RAW_LIMIT = 100_000;

/** A request or response body: a foldable JSON tree when it is JSON, else the text. */
export function BodyView({ body, truncated, label }: { body: string | null | undefined; truncated?: boolean; label: string }) {
  const parsed = useMemo(() => parseJsonText(body), [body]);
  const [mode, setMode] = useState<'tree' | 'raw'>('tree');
  const [all, setAll] = useState(false);
  if (body === null || body === undefined || body === '') {
    return <p className="body-view__empty faint">(empty body)</p>;
  }
  const raw = parsed.ok && mode === 'raw' ? JSON.stringify(parsed.value, null, 2) : body;
  const cut = !all && raw.length > RAW_LIMIT;
  return (
    <div className="body-view">
      {parsed.ok && (
        <div className="body-view__tools">
          <SegmentedControl<'tree' | 'raw'>
            label={`${label} view`}
            value={mode}
            onChange={setMode}
            options={[
              { value: 'tree', label: 'Tree' },
              { value: 'raw', label: 'Raw' },
            ]}
          />
        </div>
      )}
      {parsed.ok && mode === 'tree' ? (
        <JsonTree value={parsed.value} label={label} />
      ) : (
        <pre className="body-view__raw" aria-label={label}>
          {cut ? raw.slice(0, RAW_LIMIT) : raw}
          {cut && (
            <>
              {'\n'}
              <button type="button" className="json-tree__more" onClick={() => setAll(true)}>
                show all {formatNumber(raw.length)} characters
              </button>
            </>
          )}
        </pre>
      )}
      {truncated && <p className="field__hint">Body cut in the log at the size limit: only its start is kept.</p>}
    </div>
  );
}
