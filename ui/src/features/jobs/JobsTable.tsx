import type { ReactNode } from 'react';
import { Skeleton } from '../../components/Skeleton';
import { useRelativeNow } from '../../lib/hooks';
import { OneOffJobRow } from './OneOffJobRow';
import { nextRunOf, type JobsRow } from './rows';
import { ScheduleRow } from './ScheduleRow';

const SKELETON_ROWS = 6;

function Head() {
  return (
    <>
      <colgroup>
        <col className="col-name" />
        <col className="col-request" />
        <col className="col-schedule" />
        <col className="col-next" />
        <col className="col-outcome" />
        <col className="col-history" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Request</th>
          <th scope="col">Schedule</th>
          <th scope="col">Next run</th>
          <th scope="col">Last outcome</th>
          <th scope="col">Last 20</th>
        </tr>
      </thead>
    </>
  );
}

export function JobsTable({ rows, loading, empty }: { rows: JobsRow[]; loading: boolean; empty: ReactNode }) {
  const now = useRelativeNow(rows.map(nextRunOf));
  if (!loading && rows.length === 0) return <>{empty}</>;
  return (
    <table className="jobs-table" aria-label="Jobs and schedules" aria-busy={loading || undefined}>
      <Head />
      <tbody>
        {loading
          ? Array.from({ length: SKELETON_ROWS }, (_, i) => (
              <tr key={i} className="jobs-row jobs-row--skeleton" aria-hidden="true">
                <td><Skeleton width="70%" /></td>
                <td><Skeleton width="85%" /></td>
                <td><Skeleton width="60%" /></td>
                <td><Skeleton width={56} /></td>
                <td><Skeleton width={72} height={18} /></td>
                <td><Skeleton width={138} /></td>
              </tr>
            ))
          : rows.map((row) =>
              row.kind === 'schedule' ? (
                <ScheduleRow key={row.key} schedule={row.schedule} now={now} />
              ) : (
                <OneOffJobRow key={row.key} job={row.job} now={now} />
              ),
            )}
      </tbody>
    </table>
  );
}
