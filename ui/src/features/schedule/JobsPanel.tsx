import { Link } from '@tanstack/react-router';
import { errorMessage } from '../../api/errors';
import type { Job } from '../../api/types';
import { Button } from '../../components/Button';
import { Skeleton } from '../../components/Skeleton';
import { formatAbsolute, formatShort } from '../../lib/time';
import { OutcomeBadge } from '../jobs/OutcomeBadge';
import { OutcomeStrip, STRIP_LENGTH } from '../jobs/OutcomeStrip';
import { useScheduleJobs } from '../jobs/useScheduleJobs';

function JobRow({ job, zone }: { job: Job; zone: string | undefined }) {
  return (
    <tr>
      <td className="ledger__num">{job.run !== null ? `#${job.run}` : ''}</td>
      <td title={formatAbsolute(job.scheduled_at, zone)}>
        <Link to="/jobs/detail/$jobId" params={{ jobId: job.id }}>
          {formatShort(job.scheduled_at, zone)}
        </Link>
      </td>
      <td>
        <OutcomeBadge outcome={job.last_outcome} state={job.state} />
      </td>
      <td className="faint">{job.note ?? ''}</td>
    </tr>
  );
}

/** The schedule's newest jobs (its runs, extra runs included), each opening its run detail. */
export function JobsPanel({ scheduleId, name, zone }: { scheduleId: string; name: string; zone: string | undefined }) {
  const jobs = useScheduleJobs(scheduleId);
  const list = jobs.data?.data ?? [];
  return (
    <section className="schedule-section" aria-labelledby="schedule-jobs-title">
      <header className="schedule-section__head">
        <h2 id="schedule-jobs-title" className="schedule-section__title">
          Jobs <span className="faint">(newest {STRIP_LENGTH})</span>
        </h2>
        {jobs.data && <OutcomeStrip jobs={list} label={`Last runs of ${name}`} />}
      </header>
      {jobs.error && !jobs.data ? (
        <div className="banner banner--danger" role="alert">
          {errorMessage(jobs.error)}{' '}
          <Button size="sm" variant="ghost" onClick={() => void jobs.refetch()}>
            Try again
          </Button>
        </div>
      ) : !jobs.data ? (
        <Skeleton height={120} />
      ) : list.length === 0 ? (
        <p className="faint">No job yet.</p>
      ) : (
        <table className="ledger" aria-label="Jobs of this schedule">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Scheduled</th>
              <th scope="col">Outcome</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {list.map((job) => (
              <JobRow key={job.id} job={job} zone={zone} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
