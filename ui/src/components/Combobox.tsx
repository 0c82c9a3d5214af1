import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useEscapeLayer } from './layers';

/** One choice: the value it sets, and the words it shows. */
export interface ComboboxOption {
  value: string;
  label: string;
}

/**
 * A text input over a long list (time zones, schedules): type to search, arrows to move,
 * Enter to pick, Esc to close. The value is always one of the options. The caller finds
 * the options: `onSearch` tells it what is typed ('' when the list opens on the value),
 * and `options` is its answer, found at once (time zones) or later (schedules, from the
 * API).
 */
export function Combobox({
  id,
  value,
  valueLabel,
  onChange,
  options: matches,
  onSearch,
  placeholder,
  invalid,
  describedBy,
  ariaLabel,
  className,
}: {
  id?: string;
  value: string;
  /** What the closed input shows for the value. */
  valueLabel: string;
  onChange: (value: string) => void;
  options: readonly ComboboxOption[];
  onSearch: (text: string) => void;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  ariaLabel?: string;
  className?: string;
}) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  // what is typed, while the list is open; closed, the input shows the value
  const [text, setText] = useState(valueLabel);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const shown = open ? text : valueLabel;

  const openList = () => {
    if (open) return;
    setText(valueLabel);
    setOpen(true);
    // the value's own label, not yet edited, searches nothing: the whole list shows
    onSearch('');
  };

  useEscapeLayer(open, () => setOpen(false));

  // options found later (from the API) may be fewer than the one moved to
  const current = Math.min(active, Math.max(matches.length - 1, 0));

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${current}"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [current]);

  const pick = (option: ComboboxOption) => {
    onChange(option.value);
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      openList();
      setActive((a) => Math.min(a + 1, matches.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive(Math.max(current - 1, 0));
    } else if (event.key === 'Enter' && open) {
      event.preventDefault();
      const option = matches[current];
      if (option) pick(option);
    }
  };

  return (
    <div className={['combobox', className].filter(Boolean).join(' ')}>
      <input
        id={id}
        className="input"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[current] ? `${listId}-${current}` : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        aria-label={ariaLabel}
        placeholder={placeholder}
        value={shown}
        spellCheck={false}
        autoComplete="off"
        onFocus={(e) => e.currentTarget.select()}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
          onSearch(e.target.value.trim());
        }}
        onClick={openList}
        onKeyDown={onKeyDown}
        onBlur={() => {
          // let a click on an option land first
          setTimeout(() => setOpen(false), 120);
        }}
      />
      {open && (
        <ul ref={listRef} id={listId} role="listbox" className="combobox__list">
          {matches.length === 0 && <li className="combobox__empty">No match</li>}
          {matches.map((option, i) => (
            <li
              key={option.value}
              id={`${listId}-${i}`}
              data-index={i}
              role="option"
              aria-selected={option.value === value}
              className={['combobox__option', i === current ? 'is-active' : ''].join(' ')}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(option);
              }}
              onMouseEnter={() => setActive(i)}
            >
              {option.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
