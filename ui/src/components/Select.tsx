import { forwardRef, type ForwardedRef, type ReactElement, type Ref, type SelectHTMLAttributes } from 'react';

export interface SelectOption<V extends string = string> {
  value: V;
  label: string;
  disabled?: boolean;
}

export interface SelectProps<V extends string = string>
  extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> {
  value: V;
  onChange: (value: V) => void;
  options: ReadonlyArray<SelectOption<V>> | ReadonlyArray<{ group: string; options: ReadonlyArray<SelectOption<V>> }>;
}

function isGrouped<V extends string>(
  options: SelectProps<V>['options'],
): options is ReadonlyArray<{ group: string; options: ReadonlyArray<SelectOption<V>> }> {
  return options.length > 0 && typeof options[0] === 'object' && options[0] !== null && 'group' in options[0];
}

/** A native select (keyboard and accessibility for free), styled to match the inputs. */
function SelectInner<V extends string>(
  { value, onChange, options, className, ...rest }: SelectProps<V>,
  ref: ForwardedRef<HTMLSelectElement>,
) {
  const renderOption = (o: SelectOption<V>) => (
    <option key={o.value} value={o.value} disabled={o.disabled}>
      {o.label}
    </option>
  );
  return (
    <select
      ref={ref}
      className={['select', className].filter(Boolean).join(' ')}
      value={value}
      onChange={(e) => onChange(e.target.value as V)}
      {...rest}
    >
      {isGrouped(options)
        ? options.map((g) => (
            <optgroup key={g.group} label={g.group}>
              {g.options.map(renderOption)}
            </optgroup>
          ))
        : options.map(renderOption)}
    </select>
  );
}

export const Select = forwardRef(SelectInner) as <V extends string>(
  props: SelectProps<V> & { ref?: Ref<HTMLSelectElement> },
) => ReactElement;
