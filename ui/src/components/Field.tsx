import { useId, type ReactNode } from 'react';

export interface FieldControlProps {
  id: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/**
 * A labelled control with an optional hint and error. The error is announced and tied to
 * the control through aria-describedby, so tests and screen readers find it the same way.
 */
export function Field({
  label,
  hint,
  error,
  warning,
  children,
  className,
  labelHidden = false,
  aside,
}: {
  label: ReactNode;
  /** A short status beside the label ("✓ Saved"): in the label's line, never over the control. */
  aside?: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  warning?: ReactNode;
  className?: string;
  labelHidden?: boolean;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-message`;
  const hasMessage = Boolean(error || warning || hint);
  return (
    <div className={['field', error ? 'field--invalid' : '', className].filter(Boolean).join(' ')}>
      {aside ? (
        <div className="field__head">
          <label htmlFor={id} className={labelHidden ? 'visually-hidden' : 'field__label'}>
            {label}
          </label>
          {aside}
        </div>
      ) : (
        <label htmlFor={id} className={labelHidden ? 'visually-hidden' : 'field__label'}>
          {label}
        </label>
      )}
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': hasMessage ? messageId : undefined,
      })}
      {error ? (
        <p id={messageId} className="field__error" role="alert">
          {error}
        </p>
      ) : warning ? (
        <p id={messageId} className="field__warning">
          {warning}
        </p>
      ) : hint ? (
        <p id={messageId} className="field__hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
