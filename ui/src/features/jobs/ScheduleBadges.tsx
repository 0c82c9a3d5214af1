import type { Schedule } from '../../api/types';
import { Badge } from '../../components/Badge';
import { formatNumber } from '../../lib/locale';
import { formatAbsolute, formatShort } from '../../lib/time';
import './jobs.css';

/** "3 failed runs in a row", "1 failed run". */
export function failedInRow(n: number): string {
  return n === 1 ? '1 failed run' : `${formatNumber(n)} failed runs in a row`;
}

/**
 * What a schedule's row and its page say of its state: "Paused", or "Paused until 30 Nov,
 * 09:00" when it resumes by itself (`resume_at`); "Failing" once its alert threshold of
 * failed runs in a row was reached (`failing_since`), until a run works again.
 */
export function ScheduleBadges({ schedule, zone }: { schedule: Schedule; zone: string | undefined }) {
  const resumeAt = schedule.disabled_at !== null ? schedule.resume_at : null;
  return (
    <span className="schedule-badges">
      {schedule.disabled_at !== null &&
        (resumeAt ? (
          <Badge tone="warning" title={`Resumes by itself ${formatAbsolute(resumeAt, zone)}`}>
            Paused until {formatShort(resumeAt, zone)}
          </Badge>
        ) : (
          <Badge tone="warning">Paused</Badge>
        ))}
      {schedule.failing_since !== null && (
        <Badge tone="danger" title={`Failing since ${formatAbsolute(schedule.failing_since, zone)}: ${failedInRow(schedule.failures_in_row)}`}>
          Failing
        </Badge>
      )}
    </span>
  );
}
