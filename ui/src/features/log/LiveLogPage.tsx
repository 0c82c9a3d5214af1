import { useCallback } from 'react';
import { errorMessage } from '../../api/errors';
import { Button } from '../../components/Button';
import { IconPause, IconPlay } from '../../components/icons';
import { Spinner } from '../../components/Spinner';
import { formatNumber } from '../../lib/locale';
import { useDisplayZone } from '../settings/useSettings';
import { LogFilters } from './LogFilters';
import { LogList } from './LogList';
import type { LogState } from './logStore';
import { useLogData, type Follow } from './useLogData';
import { isFiltered, useLogSearch } from './useLogSearch';
import './log.css';

/** Following, or paused (and how many new events wait), with the button that switches. */
function FollowControls({ state, follow }: { state: LogState; follow: Follow }) {
  return (
    <div className="page__tools">
      <span className="log-page__status" role="status">
        {state.paused ? (
          state.heldVisible > 0 ? (
            <Button size="sm" variant="secondary" onClick={follow.resume}>
              {formatNumber(state.heldVisible)} new {state.heldVisible === 1 ? 'event' : 'events'} · Jump to latest
            </Button>
          ) : (
            <span className="faint">Paused</span>
          )
        ) : (
          <span className="log-page__live">
            <span className="log-page__live-dot" aria-hidden="true" /> Following
          </span>
        )}
      </span>
      {state.paused ? (
        <Button size="sm" variant="primary" icon={<IconPlay />} onClick={follow.resume}>
          Follow
        </Button>
      ) : (
        <Button size="sm" icon={<IconPause />} onClick={() => follow.pause(false)}>
          Pause
        </Button>
      )}
    </div>
  );
}

/** `#/log`: every event as it happens, virtualised, filterable, followable. */
export function LiveLogPage() {
  const zone = useDisplayZone() ?? undefined;
  const { search, filter, textInput, setTextInput, setSearch, clear } = useLogSearch();
  const { store, state, loading, error, load, reload, follow } = useLogData(filter);
  const filtered = isFiltered(filter);
  const onFilterJob = useCallback((jobId: string) => setSearch({ job: jobId }), [setSearch]);

  return (
    <section className="page log-page" aria-labelledby="page-title">
      <header className="page__header log-page__header">
        <h1 id="page-title" className="page__title">
          Live log
        </h1>
        <span className="page__count" aria-label="Events shown">
          {state.loaded ? formatNumber(state.visible.length) : ''}
        </span>
        <FollowControls state={state} follow={follow} />
      </header>

      <LogFilters search={search} filter={filter} text={textInput} onText={setTextInput} setSearch={setSearch} filtered={filtered} onClear={clear} />

      {error ? (
        <div className="banner banner--danger log-page__error" role="alert">
          {errorMessage(error)}{' '}
          <Button size="sm" variant="ghost" onClick={reload}>
            Try again
          </Button>
        </div>
      ) : null}

      <LogList
        store={store}
        state={state}
        loading={loading}
        load={load}
        follow={follow}
        zone={zone}
        filtered={filtered}
        onClearFilters={clear}
        onFilterJob={onFilterJob}
      />
      <footer className="log-page__footer faint">
        {formatNumber(state.rows.length)} loaded
        {store.cap <= state.rows.length && ` (the newest ${formatNumber(store.cap)} are kept)`}
        {!state.atEnd && ' · scroll down for newer events'}
        {loading === 'newer' && <Spinner size={10} label="Loading newer events" />}
      </footer>
    </section>
  );
}
