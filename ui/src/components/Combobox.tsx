import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useEscapeLayer } from './layers';

const MAX_SHOWN = 80;

/**
 * A text input that filters a long list of options (time zones): type to search, arrows
 * to move, Enter to pick, Esc to close. The value is always one of the options.
 */
export function Combobox({
  id,
  value,
  onChange,
  options,
  placeholder,
  invalid,
  describedBy,
  ariaLabel,
}: {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly string[];
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  ariaLabel?: string;
}) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  // what is typed, while the list is open; closed, the input shows the value
  const [text, setText] = useState(value);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const shown = open ? text : value;

  const openList = () => {
    if (open) return;
    setText(value);
    setOpen(true);
  };

  const matches = useMemo(() => {
    const needle = text.trim().toLowerCase().replace(/\s+/g, '_');
    if (!open || needle === '' || text === value) return options.slice(0, MAX_SHOWN);
    const starts: string[] = [];
    const contains: string[] = [];
    for (const option of options) {
      const lower = option.toLowerCase();
      const city = lower.slice(lower.lastIndexOf('/') + 1);
      if (city.startsWith(needle) || lower.startsWith(needle)) starts.push(option);
      else if (lower.includes(needle)) contains.push(option);
    }
    return [...starts, ...contains].slice(0, MAX_SHOWN);
  }, [options, text, value, open]);

  useEscapeLayer(open, () => setOpen(false));

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);

  const pick = (option: string) => {
    onChange(option);
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      openList();
      setActive((a) => Math.min(a + 1, matches.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (event.key === 'Enter' && open) {
      event.preventDefault();
      const option = matches[active];
      if (option) pick(option);
    }
  };

  return (
    <div className="combobox">
      <input
        id={id}
        className="input"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] ? `${listId}-${active}` : undefined}
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
              key={option}
              id={`${listId}-${i}`}
              data-index={i}
              role="option"
              aria-selected={option === value}
              className={['combobox__option', i === active ? 'is-active' : ''].join(' ')}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(option);
              }}
              onMouseEnter={() => setActive(i)}
            >
              {option.replace(/_/g, ' ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
