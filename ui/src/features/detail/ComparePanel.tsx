import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import type { Attempt, Job, JsonValue } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Select } from '../../components/Select';
import { Skeleton } from '../../components/Skeleton';
import { useJobDefinition } from '../../components/useJobDefinition';
import { headerTexts } from '../../lib/json';
import { NO_DEFINITION, needsDefinition, shownText, shownValue, type Definition } from '../../lib/secrets';
import { formatDurationMs, formatShort, needsSeconds } from '../../lib/time';
import { diffRuns, type Change, type RunSide } from './diff';

type Pick = `a:${number}` | `j:${string}`;

function sideOf(attempt: Attempt): RunSide {
  return {
    request: attempt.request
      ? { method: attempt.request.method, url: attempt.request.url, headers: headerTexts(attempt.request.headers), body: attempt.request.body ?? null }
      : null,
    response: attempt.response
      ? { status: attempt.response.status, headers: headerTexts(attempt.response.headers), body: attempt.response.body }
      : null,
    error: attempt.error,
    duration_ms: attempt.duration_ms,
  };
}

function lastAttempt(job: Job | undefined): Attempt | undefined {
  const list = job?.attempts ?? [];
  return list[list.length - 1];
}

/** The header a diff path names (`headers.x-api-key`, `headers["x.y"]`), if it names one. */
function headerOf(path: string): string | undefined {
  const bare = /^headers\.(.+)$/.exec(path)?.[1];
  if (bare) return bare;
  const quoted = /^headers\[(".*")\]$/.exec(path)?.[1];
  return quoted ? (JSON.parse(quoted) as string) : undefined;
}

/** A diff value in full: a secret header's as `shownValue` decides (masked, or revealed from the job). */
function fullText(value: JsonValue, path: string, reveal: boolean, definition: Definition): string {
  const header = headerOf(path);
  if (header && typeof value === 'string') return shownText(shownValue(header, value, reveal, definition));
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function ValueCell({ value, path, reveal, definition, side }: { value: JsonValue | undefined; path: string; reveal: boolean; definition: Definition; side: 'before' | 'after' }) {
  // the title holds the whole text, masked alike: a hover must not show what the cell hides
  const text = value === undefined ? '' : fullText(value, path, reveal, definition);
  return (
    <td className={`diff__value diff__value--${side}`} title={text}>
      {text.length > 240 ? `${text.slice(0, 240)}…` : text}
    </td>
  );
}

/** The job definitions that hold side A's and side B's redacted request secrets. */
interface Definitions {
  before: Definition;
  after: Definition;
}

const NO_DEFINITIONS: Definitions = { before: NO_DEFINITION, after: NO_DEFINITION };

function Changes({ title, changes, reveal, definitions }: { title: string; changes: Change[]; reveal: boolean; definitions: Definitions }) {
  return (
    <section className="diff" aria-label={`${title} differences`}>
      <h3 className="diff__title">
        {title} <span className="faint">{changes.length === 0 ? '· the same' : `· ${changes.length} ${changes.length === 1 ? 'difference' : 'differences'}`}</span>
      </h3>
      {changes.length > 0 && (
        <table className="diff__table">
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Change</th>
              <th scope="col">A</th>
              <th scope="col">B</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={`${c.path}:${c.kind}`} className={`diff__row diff__row--${c.kind}`}>
                <td className="diff__path">{c.path}</td>
                <td>
                  <Badge tone={c.kind === 'added' ? 'success' : c.kind === 'removed' ? 'danger' : 'warning'}>{c.kind}</Badge>
                </td>
                <ValueCell value={c.before} path={c.path} reveal={reveal} definition={definitions.before} side="before" />
                <ValueCell value={c.after} path={c.path} reveal={reveal} definition={definitions.after} side="after" />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * Compare two runs: any two attempts of this job, or this job against another run of
 * the same schedule. Shows a JSON-aware diff of request and response (headers and body).
 */
export function ComparePanel({ job, history, zone }: { job: Job; history: readonly Job[]; zone?: string }) {
  const client = useClient();
  const attempts = useMemo(() => job.attempts ?? [], [job.attempts]);
  const others = useMemo(() => history.filter((j) => j.id !== job.id && j.last_outcome !== null), [history, job.id]);
  const options = useMemo(() => {
    const ranAt = (j: Job) => j.last_outcome?.finished_at ?? j.scheduled_at;
    // runs seconds apart would read alike to the minute
    const seconds = needsSeconds([...attempts.map((a) => a.started_at), ...others.map(ranAt)]);
    const mine = attempts.map((a) => ({
      value: `a:${a.attempt}` as Pick,
      label: `This job · attempt ${a.attempt} · ${a.response?.status ?? (a.error ? 'error' : '…')} · ${formatShort(a.started_at, zone, seconds)}`,
    }));
    const theirs = others.map((j) => ({
      value: `j:${j.id}` as Pick,
      label: `${j.run !== null ? `Run ${j.run}` : 'Run'} · ${j.last_outcome?.status ?? 'error'} · ${formatShort(ranAt(j), zone, seconds)}`,
    }));
    const groups = [];
    if (mine.length) groups.push({ group: 'This job', options: mine });
    if (theirs.length) groups.push({ group: 'Other runs of this schedule', options: theirs });
    return groups;
  }, [attempts, others, zone]);

  const last = attempts[attempts.length - 1];
  const defaultB: Pick | null = last ? `a:${last.attempt}` : null;
  const previousRun = others.find((j) => Date.parse(j.scheduled_at) <= Date.parse(job.scheduled_at)) ?? others[0];
  const defaultA: Pick | null =
    attempts.length >= 2 ? `a:${attempts[attempts.length - 2]!.attempt}` : previousRun ? `j:${previousRun.id}` : null;
  const [a, setA] = useState<Pick | null>(defaultA);
  const [b, setB] = useState<Pick | null>(defaultB);
  const [reveal, setReveal] = useState(false);

  const otherId = (p: Pick | null) => (p?.startsWith('j:') ? p.slice(2) : null);
  const aJob = useQuery({
    queryKey: queryKeys.job(otherId(a) ?? ''),
    queryFn: () => client.getJob(otherId(a)!),
    enabled: otherId(a) !== null,
  });
  const bJob = useQuery({
    queryKey: queryKeys.job(otherId(b) ?? ''),
    queryFn: () => client.getJob(otherId(b)!),
    enabled: otherId(b) !== null,
  });

  const resolve = (p: Pick | null, other: Job | undefined): Attempt | undefined => {
    if (!p) return undefined;
    if (p.startsWith('a:')) return attempts.find((x) => `a:${x.attempt}` === p);
    return lastAttempt(other);
  };
  const left = resolve(a, aJob.data);
  const right = resolve(b, bJob.data);
  const diff = useMemo(() => (left && right ? diffRuns(sideOf(left), sideOf(right)) : null), [left, right]);
  const waiting = (otherId(a) !== null && aJob.isPending) || (otherId(b) !== null && bJob.isPending);
  const definitions: Definitions = {
    before: useJobDefinition(otherId(a) ?? job.id, reveal && needsDefinition(left?.request?.headers)),
    after: useJobDefinition(otherId(b) ?? job.id, reveal && needsDefinition(right?.request?.headers)),
  };

  if (options.length === 0 || !a || !b) return null;

  return (
    <section className="detail-section compare" aria-label="Compare runs">
      <header className="compare__head">
        <h2 className="detail-section__title">Compare</h2>
        <label className="compare__pick">
          <span className="compare__letter">A</span>
          <Select<Pick> aria-label="Run A" value={a} onChange={setA} options={options} />
        </label>
        <label className="compare__pick">
          <span className="compare__letter">B</span>
          <Select<Pick> aria-label="Run B" value={b} onChange={setB} options={options} />
        </label>
        <Button size="sm" variant="ghost" aria-pressed={reveal} onClick={() => setReveal((r) => !r)}>
          {reveal ? 'Hide secrets' : 'Reveal secrets'}
        </Button>
      </header>
      {a === b ? (
        <p className="faint">Pick two different runs.</p>
      ) : waiting || !diff || !left || !right ? (
        <Skeleton height={80} />
      ) : (
        <>
          <p className="compare__summary">
            <span>
              A: {left.response?.status ?? 'error'} · {formatDurationMs(left.duration_ms)}
            </span>
            <span>
              B: {right.response?.status ?? 'error'} · {formatDurationMs(right.duration_ms)}
            </span>
          </p>
          <Changes title="Request" changes={diff.request} reveal={reveal} definitions={definitions} />
          {/* a response's secrets (Set-Cookie) are in no job's definition */}
          <Changes title="Response" changes={diff.response} reveal={reveal} definitions={NO_DEFINITIONS} />
        </>
      )}
    </section>
  );
}
