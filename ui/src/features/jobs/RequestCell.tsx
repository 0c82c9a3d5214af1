/** `method`: a job's (`post`) or one as recorded on the wire (`POST`); absent means GET. */
export function MethodLabel({ method }: { method: string | undefined }) {
  const m = (method ?? 'get').toUpperCase();
  return <span className={`method method--${m.toLowerCase()}`}>{m}</span>;
}

export function RequestCell({ method, url }: { method: string | undefined; url: string }) {
  return (
    <span className="request-cell" title={`${(method ?? 'get').toUpperCase()} ${url}`}>
      <MethodLabel method={method} />
      <span className="request-cell__url">{url}</span>
    </span>
  );
}
