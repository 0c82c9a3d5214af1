import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useDebounced } from '../../lib/hooks';
import type { LogFilter } from './filters';
import { statusesOf, typesOf, type LogSearch } from './search';

/** Whether any filter narrows the log (an empty list then says "Nothing matches"). */
export function isFiltered(filter: LogFilter): boolean {
  return filter.jobId !== null || filter.scheduleId !== null || filter.types.length > 0 || filter.statuses.length > 0 || filter.text.trim() !== '';
}

function useLogFilter(search: LogSearch, text: string): LogFilter {
  const types = search.types;
  const status = search.status;
  return useMemo(
    () => ({
      jobId: search.job ?? null,
      scheduleId: search.schedule ?? null,
      types: typesOf({ types }),
      statuses: statusesOf({ status }),
      text,
    }),
    [search.job, search.schedule, types, status, text],
  );
}

/**
 * The log's filters, kept in the address (`#/log?job=…&status=…&q=…`) so a link opens the
 * log filtered. The search box's text reaches the filter and the address debounced.
 */
export function useLogSearch() {
  const navigate = useNavigate();
  const search = useSearch({ from: '/log' });
  const [textInput, setTextInput] = useState(search.q ?? '');
  const text = useDebounced(textInput, 150);
  const filter = useLogFilter(search, text);

  const setSearch = useCallback(
    (patch: Partial<LogSearch>) =>
      void navigate({
        to: '/log',
        search: (prev: LogSearch) => {
          const next: LogSearch = { ...prev, ...patch };
          for (const key of Object.keys(next) as Array<keyof LogSearch>) if (!next[key]) delete next[key];
          return next;
        },
        replace: true,
      }),
    [navigate],
  );
  useEffect(() => {
    if ((search.q ?? '') !== text) setSearch({ q: text || undefined });
  }, [text, search.q, setSearch]);

  const clear = useCallback(() => {
    setTextInput('');
    void navigate({ to: '/log', search: {}, replace: true });
  }, [navigate]);

  return { search, filter, textInput, setTextInput, setSearch, clear };
}
