import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem<V extends string> {
  value: V;
  label: ReactNode;
  /** A small count or marker after the label. */
  badge?: ReactNode;
  disabled?: boolean;
  /** Why the tab is disabled (tooltip). */
  title?: string;
  content: ReactNode;
}

/**
 * Tabs with the WAI-ARIA keyboard pattern (arrows, Home, End). Panels stay mounted while
 * hidden, so editors keep their state.
 */
export function Tabs<V extends string>({
  label,
  value,
  onChange,
  items,
  variant = 'underline',
}: {
  label: string;
  value: V;
  onChange: (value: V) => void;
  items: ReadonlyArray<TabItem<V>>;
  variant?: 'underline' | 'pill';
}) {
  const base = useId();
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const enabled = items.map((t, i) => ({ t, i })).filter(({ t }) => !t.disabled);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const current = enabled.findIndex(({ t }) => t.value === value);
    let next = -1;
    if (event.key === 'ArrowRight') next = (current + 1) % enabled.length;
    else if (event.key === 'ArrowLeft') next = (current - 1 + enabled.length) % enabled.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = enabled.length - 1;
    if (next < 0) return;
    event.preventDefault();
    const target = enabled[next];
    if (!target) return;
    onChange(target.t.value);
    refs.current[target.i]?.focus();
  };

  return (
    <div className={`tabs tabs--${variant}`}>
      <div className="tabs__list" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {items.map((item, i) => {
          const selected = item.value === value;
          return (
            <button
              key={item.value}
              ref={(el) => {
                refs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`${base}-tab-${item.value}`}
              aria-selected={selected}
              aria-controls={`${base}-panel-${item.value}`}
              tabIndex={selected ? 0 : -1}
              disabled={item.disabled}
              title={item.title}
              className="tabs__tab"
              onClick={() => onChange(item.value)}
            >
              {item.label}
              {item.badge !== undefined && item.badge !== null && <span className="tabs__badge">{item.badge}</span>}
            </button>
          );
        })}
      </div>
      {items.map((item) => (
        <div
          key={item.value}
          role="tabpanel"
          id={`${base}-panel-${item.value}`}
          aria-labelledby={`${base}-tab-${item.value}`}
          hidden={item.value !== value}
          className="tabs__panel"
        >
          {item.content}
        </div>
      ))}
    </div>
  );
}
