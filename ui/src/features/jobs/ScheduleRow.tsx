import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useClient } from '../../api/ClientContext';
import { queryKeys } from '../../api/queryKeys';
import { frequencyOf } from '../../api/shapes';
import type { Schedule } from '../../api/types';
import { Badge } from '../../components/Badge';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { IconButton } from '../../components/IconButton';
import { IconCopy, IconPause, IconPlay, IconSend, IconTrash } from '../../components/icons';
import { Skeleton } from '../../components/Skeleton';
import { hostAndPath } from '../../lib/url';
import { OutcomeBadge } from './OutcomeBadge';
import { OutcomeStrip, STRIP_LENGTH } from './OutcomeStrip';
import { latestOutcome } from './outcome';
import { RelativeTime } from './RelativeTime';
import { RowActions } from './RowActions';
import { RequestCell } from './RequestCell';
import { scheduleNextRun } from './rows';
import { useRowMutations } from './useRowMutations';

type Confirm = 'disable' | 'delete' | null;

export function ScheduleRow({ schedule, now }: { schedule: Schedule; now: number }) {
  const client = useClient();
  const navigate = useNavigate();
  const mutations = useRowMutations();
  const [confirm, setConfirm] = useState<Confirm>(null);
  const history = useQuery({
    queryKey: queryKeys.scheduleHistory(schedule.id),
    queryFn: () =>
      client.listJobs({ schedule_id: schedule.id, limit: STRIP_LENGTH, order_by: ['scheduled_at', 'desc'] }),
  });
  const jobs = history.data?.data ?? [];
  const last = latestOutcome(jobs);
  const name = schedule.name || hostAndPath(schedule.request.url);
  const paused = schedule.disabled_at !== null;
  const frequency = frequencyOf(schedule.frequency);
  const zone = frequency && 'cron' in frequency ? frequency.timezone : undefined;

  return (
    <tr className={['jobs-row', paused ? 'jobs-row--paused' : ''].join(' ')} data-testid={`schedule-${schedule.id}`}>
      <td className="jobs-row__name" title={name}>
        <Link to="/jobs/schedule/$scheduleId" params={{ scheduleId: schedule.id }} search={(prev) => prev} className="jobs-row__link">
          {name}
        </Link>
      </td>
      <td>
        <RequestCell method={schedule.request.method} url={schedule.request.url} />
      </td>
      <td className="jobs-row__schedule" title={zone ? `${schedule.summary} (${zone})` : schedule.summary}>
        <span className="jobs-row__clamp">
          {paused && <Badge tone="warning">Paused</Badge>}
          <span className="jobs-row__summary">{schedule.summary}</span>
        </span>
      </td>
      <td className="jobs-row__next">
        <RelativeTime iso={scheduleNextRun(schedule)} now={now} />
      </td>
      <td>
        {history.isPending ? (
          <Skeleton width={72} height={18} />
        ) : last ? (
          <Link to="/jobs/detail/$jobId" params={{ jobId: last.id }} className="jobs-row__outcome-link" title="Open the last run">
            <OutcomeBadge outcome={last.last_outcome} state={last.state} />
          </Link>
        ) : (
          <span className="faint">—</span>
        )}
      </td>
      <td className="jobs-row__last">
        {history.isPending ? <Skeleton width={138} height={12} /> : <OutcomeStrip jobs={jobs} label={`Last runs of ${name}`} />}
        <RowActions>
          <IconButton size="sm" label="Run now" icon={<IconSend />} onClick={() => mutations.runSchedule.mutate(schedule.id)} />
          {paused ? (
            <IconButton size="sm" label="Resume" icon={<IconPlay />} onClick={() => mutations.enableSchedule.mutate(schedule.id)} />
          ) : (
            <IconButton size="sm" label="Pause" icon={<IconPause />} onClick={() => setConfirm('disable')} />
          )}
          <IconButton
            size="sm"
            label="Duplicate"
            icon={<IconCopy />}
            onClick={() => void navigate({ to: '/jobs/new', search: (prev) => ({ q: prev.q, state: prev.state, from_schedule: schedule.id }) })}
          />
          <IconButton size="sm" label="Delete" tone="danger" icon={<IconTrash />} onClick={() => setConfirm('delete')} />
          <ConfirmDialog
            open={confirm === 'disable'}
            title="Pause this schedule?"
            message={
              <p>
                <strong>{name}</strong> will create no more runs, and its pending run is cancelled. You can resume it later.
              </p>
            }
            confirmLabel="Pause schedule"
            destructive={false}
            onConfirm={() => mutations.disableSchedule.mutateAsync(schedule.id)}
            onClose={() => setConfirm(null)}
          />
          <ConfirmDialog
            open={confirm === 'delete'}
            title="Delete this schedule?"
            message={
              <p>
                <strong>{name}</strong> and its pending run will be removed. Past runs stay in the log.
              </p>
            }
            confirmLabel="Delete schedule"
            onConfirm={() => mutations.deleteSchedule.mutateAsync(schedule.id)}
            onClose={() => setConfirm(null)}
          />
        </RowActions>
      </td>
    </tr>
  );
}
