import { Link } from '@tanstack/react-router';
import type { Schedule } from '../../api/types';
import { IconButton } from '../../components/IconButton';
import { IconCopy, IconPause, IconPlay, IconSend, IconTrash } from '../../components/icons';
import { Skeleton } from '../../components/Skeleton';
import { OutcomeBadge } from './OutcomeBadge';
import { OutcomeStrip } from './OutcomeStrip';
import { latestOutcome } from './outcome';
import { RelativeTime } from './RelativeTime';
import { RowActions } from './RowActions';
import { ScheduleBadges } from './ScheduleBadges';
import { useSeen } from '../../lib/hooks';
import { useDisplayZone } from '../settings/useSettings';
import { RequestCell } from './RequestCell';
import { scheduleName, scheduleNextRun } from './rows';
import { useScheduleActions } from './useScheduleActions';
import { useScheduleJobs } from './useScheduleJobs';

export function ScheduleRow({ schedule, now }: { schedule: Schedule; now: number }) {
  // each row's last runs are a request of their own: a row asks when it shows
  const [seen, rowRef] = useSeen<HTMLTableRowElement>();
  const history = useScheduleJobs(schedule.id, { enabled: seen });
  const jobs = history.data?.data ?? [];
  const last = latestOutcome(jobs);
  const name = scheduleName(schedule);
  const actions = useScheduleActions(schedule, name);
  const zone = 'cron' in schedule.frequency ? schedule.frequency.timezone : undefined;
  const displayZone = useDisplayZone() ?? undefined;

  return (
    <tr
      ref={rowRef}
      className={['jobs-row', actions.paused ? 'jobs-row--paused' : ''].join(' ')}
      data-testid={`schedule-${schedule.id}`}
    >
      <td className="jobs-row__name" title={name}>
        <Link to="/schedules/$scheduleId" params={{ scheduleId: schedule.id }} search={{}} className="jobs-row__link">
          {name}
        </Link>
      </td>
      <td>
        <RequestCell method={schedule.request.method} url={schedule.request.url} />
      </td>
      <td className="jobs-row__schedule" title={zone ? `${schedule.summary} (${zone})` : schedule.summary}>
        <span className="jobs-row__clamp">
          <ScheduleBadges schedule={schedule} zone={displayZone} />
          <span className="jobs-row__summary">{schedule.summary}</span>
        </span>
      </td>
      <td className="jobs-row__next">
        <RelativeTime iso={scheduleNextRun(schedule)} now={now} />
      </td>
      <td>
        {history.isPending ? (
          <Skeleton width={72} height={18} still={!seen} />
        ) : last ? (
          <Link to="/jobs/detail/$jobId" params={{ jobId: last.id }} className="jobs-row__outcome-link" title="Open the last run">
            <OutcomeBadge outcome={last.last_outcome} state={last.state} />
          </Link>
        ) : (
          <span className="faint">—</span>
        )}
      </td>
      <td className="jobs-row__last">
        {history.isPending ? <Skeleton width={138} height={12} still={!seen} /> : <OutcomeStrip jobs={jobs} label={`Last runs of ${name}`} />}
        <RowActions>
          <IconButton size="sm" label="Run now" icon={<IconSend />} onClick={actions.run} />
          {actions.paused ? (
            <IconButton size="sm" label="Resume" icon={<IconPlay />} onClick={actions.resume} />
          ) : (
            <IconButton size="sm" label="Pause" icon={<IconPause />} onClick={actions.pause} />
          )}
          <IconButton size="sm" label="Duplicate" icon={<IconCopy />} onClick={actions.duplicate} />
          <IconButton size="sm" label="Delete" tone="danger" icon={<IconTrash />} onClick={actions.remove} />
          {actions.dialogs}
        </RowActions>
      </td>
    </tr>
  );
}
