import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import { argsOf, frequencyOf } from '../../api/shapes';
import type { CatchUp, PreviewInput, Schedule } from '../../api/types';
import { Button } from '../../components/Button';
import { Skeleton } from '../../components/Skeleton';
import { describeDuration, parseDuration } from '../../lib/duration';
import { useRelativeNow } from '../../lib/hooks';
import { formatNumber } from '../../lib/locale';
import { formatRun, needsSeconds } from '../../lib/time';
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
  const frequency = frequencyOf(schedule.frequency);
  if (!frequency || !schedule.next_run_at || schedule.disabled_at !== null) return null;
  const rule = 'cron' in frequency ? { cron: frequency.cron, timezone: frequency.timezone || undefined } : { repeat_every: frequency.repeat_every };
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

function Facts({ schedule }: { schedule: Schedule }) {
  const frequency = frequencyOf(schedule.frequency);
  const wait = networkWaitText(schedule, useSettings().data?.network_wait_seconds);
  return (
    <dl className="schedule-facts">
      {frequency && 'cron' in frequency && (
        <div>
          <dt>Time zone</dt>
          <dd>{frequency.timezone || 'UTC'}</dd>
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
    </dl>
  );
}

function NextRuns({ schedule, zone }: { schedule: Schedule; zone: string | undefined }) {
  const following = useFollowingRuns(schedule);
  const next = schedule.disabled_at === null ? schedule.next_run_at : null;
  const runs = next ? [next, ...(following.data?.next ?? [])] : [];
  const now = useRelativeNow(runs);
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
      <Facts schedule={schedule} />
      <h3 className="schedule-section__sub">Next runs</h3>
      <NextRuns schedule={schedule} zone={zone} />
    </section>
  );
}
