import { forwardRef, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';

export interface InputProps extends InputHTMLAttributes<HTMLInputElement> {
  leading?: ReactNode;
  trailing?: ReactNode;
  mono?: boolean;
}

export const Input = forwardRef<HTMLInputElement, InputProps>(function Input(
  { leading, trailing, mono = false, className, ...rest },
  ref,
) {
  const classes = ['input', mono ? 'input--mono' : '', className].filter(Boolean).join(' ');
  if (!leading && !trailing) return <input ref={ref} className={classes} {...rest} />;
  return (
    <span className={['input-wrap', rest['aria-invalid'] ? 'input-wrap--invalid' : ''].filter(Boolean).join(' ')}>
      {leading && <span className="input-wrap__leading">{leading}</span>}
      <input ref={ref} className={`${classes} input--bare`} {...rest} />
      {trailing && <span className="input-wrap__trailing">{trailing}</span>}
    </span>
  );
});

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement> & { mono?: boolean }>(
  function Textarea({ mono = false, className, ...rest }, ref) {
    return <textarea ref={ref} className={['textarea', mono ? 'input--mono' : '', className].filter(Boolean).join(' ')} {...rest} />;
  },
);
