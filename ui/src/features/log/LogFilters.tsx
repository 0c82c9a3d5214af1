import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useClient } from '../../api/ClientContext';
import { EVENT_TYPES } from '../../api/events';
import { queryKeys } from '../../api/queryKeys';
import type { EventType, Schedule } from '../../api/types';
import { Button } from '../../components/Button';
import { Combobox, type ComboboxOption } from '../../components/Combobox';
import { IconClose, IconSearch } from '../../components/icons';
import { Input } from '../../components/Input';
import { hostAndPath } from '../../lib/url';
import { STATUS_CLASSES, type LogFilter, type StatusClass } from './filters';
import { shortId, typeLabel } from './LogRow';
import type { LogSearch } from './search';

/** What the search looks through; a match finds the whole job (filters.ts). */
const SEARCH_PLACEHOLDER = 'Find jobs by URL, name, error or body';

function toggle<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

/** How many schedules the picker lists at a time: typing searches all of them. */
const PICKER_PAGE = 50;

const ALL_SCHEDULES: ComboboxOption = { value: '', label: 'All schedules' };

const scheduleOption = (s: Schedule): ComboboxOption => ({ value: s.id, label: s.name || hostAndPath(s.request.url) });

/** The names equal to `text` first, then those that start with it, then the rest, each in the order given (newest made first). */
function closestFirst(options: readonly ComboboxOption[], text: string): ComboboxOption[] {
  const rank = (o: ComboboxOption) => {
    const label = o.label.toLowerCase();
    return label === text ? 0 : label.startsWith(text) ? 1 : 2;
  };
  return [...options].sort((a, b) => rank(a) - rank(b));
}

/**
 * The schedule filter: any schedule, found by the API's search as it is typed (a list of
 * the newest left the rest out of reach), and the one in the address named even when it
 * is not among them.
 */
function SchedulePicker({ value, onChange }: { value: string | undefined; onChange: (id: string | undefined) => void }) {
  const client = useClient();
  // a request a key typed: the search takes a couple of milliseconds, and an answer that
  // waited for a pause in typing could come after an Enter
  const [search, setSearch] = useState('');
  const found = useQuery({
    queryKey: queryKeys.scheduleNames(search),
    queryFn: () => client.listSchedules({ q: search, limit: PICKER_PAGE }),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
  const picked = useQuery({
    queryKey: queryKeys.schedule(value ?? ''),
    queryFn: () => client.getSchedule(value ?? ''),
    enabled: value !== undefined && !found.data?.data.some((s) => s.id === value),
  });
  const options = useMemo(() => {
    const listed = (found.data?.data ?? []).map(scheduleOption);
    if (!search) return [ALL_SCHEDULES, ...listed];
    const text = search.toLowerCase();
    // an older search's answer, while this one's is on its way: only what fits the text
    const fitting = found.isPlaceholderData ? listed.filter((o) => o.label.toLowerCase().includes(text)) : listed;
    return closestFirst(fitting, text);
  }, [found.data, found.isPlaceholderData, search]);
  const label = !value
    ? ALL_SCHEDULES.label
    : (options.find((o) => o.value === value)?.label ?? (picked.data ? scheduleOption(picked.data).label : `Schedule ${shortId(value)}`));
  return (
    <Combobox
      ariaLabel="Schedule"
      className="log-filters__schedule"
      value={value ?? ''}
      valueLabel={label}
      onChange={(id) => onChange(id || undefined)}
      options={options}
      onSearch={setSearch}
      placeholder="Find a schedule"
    />
  );
}

function SearchBox({ text, onText }: { text: string; onText: (text: string) => void }) {
  return (
    <div className="log-filters__text">
      <Input
        type="search"
        aria-label="Search the log"
        data-page-search
        placeholder={SEARCH_PLACEHOLDER}
        // never narrower than its placeholder (`ch` of the input's own font)
        style={{ minWidth: `${SEARCH_PLACEHOLDER.length + 1}ch` }}
        value={text}
        leading={<IconSearch />}
        trailing={text ? undefined : <kbd>/</kbd>}
        onChange={(e) => onText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            if (text) onText('');
            else e.currentTarget.blur();
          }
        }}
      />
    </div>
  );
}

/** A row of toggle buttons, one per choice; the pressed ones filter. */
function Toggles<T extends string>({ label, choices, pressed, text, className, onChange }: {
  label: string;
  choices: readonly T[];
  pressed: readonly T[];
  text: (choice: T) => string;
  className?: (choice: T) => string;
  onChange: (pressed: T[]) => void;
}) {
  return (
    <div className="log-filters__group" role="group" aria-label={label}>
      {choices.map((choice) => (
        <button
          key={choice}
          type="button"
          className={['log-toggle', className?.(choice)].filter(Boolean).join(' ')}
          aria-pressed={pressed.includes(choice)}
          onClick={() => onChange(toggle(pressed, choice))}
        >
          {text(choice)}
        </button>
      ))}
    </div>
  );
}

export interface LogFiltersProps {
  search: LogSearch;
  filter: LogFilter;
  text: string;
  onText: (text: string) => void;
  setSearch: (patch: Partial<LogSearch>) => void;
  filtered: boolean;
  onClear: () => void;
}

/** The filter bar: text, schedule, job, event types and status classes. */
export function LogFilters({ search, filter, text, onText, setSearch, filtered, onClear }: LogFiltersProps) {
  return (
    <div className="log-filters" role="group" aria-label="Filters">
      <SearchBox text={text} onText={onText} />
      <SchedulePicker value={search.schedule} onChange={(schedule) => setSearch({ schedule })} />
      {search.schedule && (
        <Link to="/schedules/$scheduleId" params={{ scheduleId: search.schedule }} search={{}} className="btn btn--ghost btn--sm">
          Open schedule
        </Link>
      )}
      {search.job && (
        <span className="log-chip" title={search.job}>
          Job {shortId(search.job)}
          <button type="button" aria-label="Any job" className="log-chip__clear" onClick={() => setSearch({ job: undefined })}>
            <IconClose size={12} />
          </button>
        </span>
      )}
      <Toggles<EventType>
        label="Event types"
        choices={EVENT_TYPES}
        pressed={filter.types}
        text={typeLabel}
        className={(type) => `log-type--${typeLabel(type)}`}
        onChange={(types) => setSearch({ types: types.join(',') || undefined })}
      />
      <Toggles<StatusClass>
        label="Status"
        choices={STATUS_CLASSES}
        pressed={filter.statuses}
        text={(cls) => cls}
        onChange={(statuses) => setSearch({ status: statuses.join(',') || undefined })}
      />
      {filtered && (
        <Button size="sm" variant="ghost" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </div>
  );
}
