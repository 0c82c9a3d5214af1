import { useState } from 'react';
import { Link, useNavigate } from '@tanstack/react-router';
import type { Job } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { IconButton } from '../../components/IconButton';
import { IconCopy, IconSend, IconStop } from '../../components/icons';
import { formatAbsolute, formatShort } from '../../lib/time';
import { hostAndPath } from '../../lib/url';
import { isFinished, isPending } from './outcome';
import { OutcomeBadge } from './OutcomeBadge';
import { OutcomeStrip } from './OutcomeStrip';
import { RelativeTime } from './RelativeTime';
import { RowActions } from './RowActions';
import { RequestCell } from './RequestCell';
import { jobNextRun } from './rows';
import { useRowMutations } from './useRowMutations';

export function OneOffJobRow({ job, now }: { job: Job; now: number }) {
  const navigate = useNavigate();
  const mutations = useRowMutations();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const url = job.request.url;
  const method = job.request.method;
  const name = job.name || hostAndPath(url);
  const pending = isPending(job.state);
  const cancellable = !isFinished(job.state);

  return (
    <tr className="jobs-row" data-testid={`job-${job.id}`}>
      <td className="jobs-row__name" title={name}>
        {pending ? (
          <Link to="/jobs/job/$jobId" params={{ jobId: job.id }} search={(prev) => prev} className="jobs-row__link">
            {name}
          </Link>
        ) : (
          <Link to="/jobs/detail/$jobId" params={{ jobId: job.id }} className="jobs-row__link">
            {name}
          </Link>
        )}
      </td>
      <td>
        <RequestCell method={method} url={url} />
      </td>
      <td className="jobs-row__schedule" title={formatAbsolute(job.scheduled_at)}>
        <span className="jobs-row__clamp jobs-row__summary">once at {formatShort(job.scheduled_at)}</span>
      </td>
      <td className="jobs-row__next">
        <RelativeTime iso={jobNextRun(job)} now={now} />
      </td>
      <td>
        {job.last_outcome ? (
          <Link to="/jobs/detail/$jobId" params={{ jobId: job.id }} className="jobs-row__outcome-link" title="Open this run">
            <OutcomeBadge outcome={job.last_outcome} state={job.state} />
          </Link>
        ) : (
          <OutcomeBadge outcome={job.last_outcome} state={job.state} />
        )}
      </td>
      <td className="jobs-row__last">
        <OutcomeStrip jobs={[job]} label={`Runs of ${name}`} />
        <RowActions>
          <IconButton
            size="sm"
            label={isFinished(job.state) ? 'Run again' : 'Run now'}
            icon={<IconSend />}
            disabled={job.state === 'executing'}
            onClick={() => mutations.runJob.mutate(job.id)}
          />
          <IconButton
            size="sm"
            label="Cancel"
            tone="danger"
            icon={<IconStop />}
            disabled={!cancellable}
            onClick={() => setConfirmCancel(true)}
          />
          <IconButton
            size="sm"
            label="Duplicate"
            icon={<IconCopy />}
            onClick={() => void navigate({ to: '/jobs/new', search: (prev) => ({ q: prev.q, state: prev.state, from_job: job.id }) })}
          />
          <ConfirmDialog
            open={confirmCancel}
            title="Cancel this job?"
            message={
              <p>
                <strong>{name}</strong> will not be sent. This cannot be undone, but you can duplicate it later.
              </p>
            }
            confirmLabel="Cancel job"
            onConfirm={() => mutations.cancelJob.mutateAsync(job.id)}
            onClose={() => setConfirmCancel(false)}
          />
        </RowActions>
      </td>
    </tr>
  );
}
