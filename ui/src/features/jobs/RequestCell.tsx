import type { HttpMethod } from '../../api/types';

export function MethodLabel({ method }: { method: HttpMethod | string | undefined }) {
  const m = (method ?? 'get').toUpperCase();
  return <span className={`method method--${m.toLowerCase()}`}>{m}</span>;
}

export function RequestCell({ method, url }: { method: HttpMethod | string | undefined; url: string }) {
  return (
    <span className="request-cell" title={`${(method ?? 'get').toUpperCase()} ${url}`}>
      <MethodLabel method={method} />
      <span className="request-cell__url">{url}</span>
    </span>
  );
}
