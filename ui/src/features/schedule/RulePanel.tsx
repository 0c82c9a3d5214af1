import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import { argsOf } from '../../api/shapes';
import type { CatchUp, Overlap, PreviewInput, QuietHours, Schedule } from '../../api/types';
import { Button } from '../../components/Button';
import { Skeleton } from '../../components/Skeleton';
import { describeDuration, parseDuration } from '../../lib/duration';
import { useRelativeNow } from '../../lib/hooks';
import { formatNumber } from '../../lib/locale';
import { formatAbsolute, formatRun, formatShort, needsSeconds } from '../../lib/time';
import { failedInRow } from '../jobs/ScheduleBadges';
import { RelativeTime } from '../jobs/RelativeTime';
import { useSettings } from '../settings/useSettings';

/** The next run and this many after it. */
const FOLLOWING = 4;

const CATCH_UP_WORDS: Record<CatchUp, string> = {
  once: 'run one of them',
  skip: 'skip them',
  all: 'run each of them',
};

/**
 * The engine's runs after the schedule's next one, from `POST /api/schedules/preview`
 * asked from that run: an interval's runs then keep their phase (a preview from now would
 * count the interval from now). None while paused: nothing is planned.
 */
function previewInput(schedule: Schedule): PreviewInput | null {
  const frequency = schedule.frequency;
  if (!schedule.next_run_at || schedule.disabled_at !== null) return null;
  const rule = 'cron' in frequency ? { cron: frequency.cron, timezone: frequency.timezone } : { repeat_every: frequency.repeat_every };
  return { ...rule, count: FOLLOWING, from: schedule.next_run_at };
}

function useFollowingRuns(schedule: Schedule) {
  const client = useClient();
  const input = previewInput(schedule);
  return useQuery({
    queryKey: queryKeys.preview(input ?? {}),
    queryFn: () => client.previewSchedule(input!),
    enabled: input !== null,
    staleTime: 60_000,
  });
}

/** "up to 2 minutes", or the setting's "up to 30 seconds (Settings)". */
function networkWaitText(schedule: Schedule, settingSeconds: number | undefined): string | null {
  const own = parseDuration(argsOf(schedule.args).network_wait);
  if (own) return `up to ${describeDuration(own)}`;
  return settingSeconds === undefined ? null : `up to ${describeDuration({ amount: settingSeconds, unit: 'seconds' })} (Settings)`;
}

const OVERLAP_WORDS: Record<Overlap, string> = {
  allow: 'run alongside it',
  skip: 'skip the new run',
  queue: 'wait for it to end',
  replace: 'cancel it, run the new one',
};

/** "22:00–07:00 (Europe/Berlin): runs due then are skipped". */
function quietText(quiet: QuietHours): string {
  const what = quiet.action === 'defer' ? 'moved to their end' : 'skipped';
  return `${quiet.from}–${quiet.to} (${quiet.timezone}): runs due then are ${what}`;
}

/** Whether it fails now, and the limits it runs within (SPEC 7.3, 7.4); only what is set. */
function LimitFacts({ schedule, zone }: { schedule: Schedule; zone: string | undefined }) {
  return (
    <>
      {schedule.failing_since !== null ? (
        <div className="schedule-facts__failing">
          <dt>Failing</dt>
          <dd>
            since{' '}
            <time dateTime={schedule.failing_since} title={formatAbsolute(schedule.failing_since, zone)}>
              {formatShort(schedule.failing_since, zone)}
            </time>
            , {failedInRow(schedule.failures_in_row)}
          </dd>
        </div>
      ) : (
        schedule.failures_in_row > 0 && (
          <div>
            <dt>Failed runs in a row</dt>
            <dd>{formatNumber(schedule.failures_in_row)}</dd>
          </div>
        )
      )}
      {schedule.overlap !== 'allow' && (
        <div>
          <dt>When a run is due while one runs</dt>
          <dd>{OVERLAP_WORDS[schedule.overlap] ?? schedule.overlap}</dd>
        </div>
      )}
      {schedule.max_runs !== null && (
        <div>
          <dt>Run limit</dt>
          <dd>
            {formatNumber(schedule.runs_sent)} of {formatNumber(schedule.max_runs)} runs sent
          </dd>
        </div>
      )}
      {schedule.until !== null && (
        <div>
          <dt>No runs after</dt>
          <dd>
            <time dateTime={schedule.until}>{formatRun(schedule.until, zone)}</time>
          </dd>
        </div>
      )}
      {schedule.quiet_hours !== null && (
        <div>
          <dt>Quiet hours</dt>
          <dd>{quietText(schedule.quiet_hours)}</dd>
        </div>
      )}
    </>
  );
}

function Facts({ schedule, zone }: { schedule: Schedule; zone: string | undefined }) {
  const frequency = schedule.frequency;
  const wait = networkWaitText(schedule, useSettings().data?.network_wait_seconds);
  return (
    <dl className="schedule-facts">
      {'cron' in frequency && (
        <div>
          <dt>Time zone</dt>
          <dd>{frequency.timezone}</dd>
        </div>
      )}
      <div>
        <dt>Missed runs</dt>
        <dd>{CATCH_UP_WORDS[schedule.catch_up] ?? schedule.catch_up}</dd>
      </div>
      {wait && (
        <div>
          <dt>Network wait when catching up</dt>
          <dd>{wait}</dd>
        </div>
      )}
      <div>
        <dt>Runs so far</dt>
        <dd>{formatNumber(schedule.run_count)}</dd>
      </div>
      <LimitFacts schedule={schedule} zone={zone} />
    </dl>
  );
}

function NextRuns({ schedule, zone }: { schedule: Schedule; zone: string | undefined }) {
  const following = useFollowingRuns(schedule);
  const next = schedule.disabled_at === null ? schedule.next_run_at : null;
  const runs = next ? [next, ...(following.data?.next ?? [])] : [];
  const now = useRelativeNow(runs);
  if (schedule.disabled_at !== null && schedule.resume_at !== null) {
    return (
      <p className="faint">
        Paused until{' '}
        <time dateTime={schedule.resume_at} title={formatAbsolute(schedule.resume_at, zone)}>
          {formatRun(schedule.resume_at, zone)}
        </time>
        : it resumes by itself then.
      </p>
    );
  }
  if (schedule.disabled_at !== null) return <p className="faint">Paused: no run is planned until it is resumed.</p>;
  if (!next) return <p className="faint">No run is planned.</p>;
  const seconds = needsSeconds(runs);
  return (
    <>
      <ol className="schedule-next" aria-label="Next runs">
        {runs.map((iso) => (
          <li key={iso}>
            <time dateTime={iso}>{formatRun(iso, zone, seconds)}</time>
            <RelativeTime iso={iso} now={now} timeZone={zone} />
          </li>
        ))}
        {following.isPending && (
          <li aria-hidden="true">
            <Skeleton width={220} />
          </li>
        )}
      </ol>
      {following.error && (
        <p className="banner banner--danger" role="alert">
          The runs after it could not be read: {errorMessage(following.error)}{' '}
          <Button size="sm" variant="ghost" onClick={() => void following.refetch()}>
            Try again
          </Button>
        </p>
      )}
      {following.data?.notes.map((note) => (
        <p key={note} className="schedule-note">
          {note}
        </p>
      ))}
    </>
  );
}

/** The rule in words (the engine's), what it does with missed runs, and its next runs. */
export function RulePanel({ schedule, zone }: { schedule: Schedule; zone: string | undefined }) {
  return (
    <section className="schedule-section" aria-labelledby="schedule-rule-title">
      <header className="schedule-section__head">
        <h2 id="schedule-rule-title" className="schedule-section__title">
          Rule
        </h2>
      </header>
      <p className="schedule-rule">{schedule.summary}</p>
      <Facts schedule={schedule} zone={zone} />
      <h3 className="schedule-section__sub">Next runs</h3>
      <NextRuns schedule={schedule} zone={zone} />
    </section>
  );
}
