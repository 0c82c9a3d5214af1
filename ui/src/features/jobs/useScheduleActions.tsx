import { useState, type ReactNode } from 'react';
import { useNavigate } from '@tanstack/react-router';
import type { Schedule } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PauseDialog } from './PauseDialog';
import { useRowMutations } from './useRowMutations';

type Confirm = 'disable' | 'delete' | null;

export interface ScheduleActions {
  paused: boolean;
  /** When a paused schedule resumes by itself; null: when it is resumed. */
  resumeAt: string | null;
  run: () => void;
  /** Asks first (until resumed, for an hour, or until tomorrow 9:00): the pending run is cancelled. */
  pause: () => void;
  resume: () => void;
  duplicate: () => void;
  /** Asks first. */
  remove: () => void;
  /** The confirmations; render them once, anywhere. */
  dialogs: ReactNode;
}

/**
 * What can be done to a schedule, the same from its row in the Jobs list and from its own
 * page: run now, pause (after asking) and resume, duplicate, delete (after asking).
 * `onDeleted` runs once it is gone (the schedule's page leaves for the list).
 */
export function useScheduleActions(schedule: Schedule, name: string, onDeleted?: () => void): ScheduleActions {
  const navigate = useNavigate();
  const mutations = useRowMutations();
  const [confirm, setConfirm] = useState<Confirm>(null);
  const close = () => setConfirm(null);
  const dialogs = (
    <>
      <PauseDialog
        open={confirm === 'disable'}
        message={
          <p>
            <strong>{name}</strong> will create no more runs, and its pending run is cancelled. You can resume it later.
          </p>
        }
        onPause={(until) => mutations.disableSchedule.mutateAsync({ id: schedule.id, ...(until ? { until } : {}) })}
        onClose={close}
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
        onConfirm={async () => {
          await mutations.deleteSchedule.mutateAsync(schedule.id);
          onDeleted?.();
        }}
        onClose={close}
      />
    </>
  );
  return {
    paused: schedule.disabled_at !== null,
    resumeAt: schedule.disabled_at !== null ? schedule.resume_at : null,
    run: () => mutations.runSchedule.mutate(schedule.id),
    pause: () => setConfirm('disable'),
    resume: () => mutations.enableSchedule.mutate(schedule.id),
    duplicate: () =>
      void navigate({ to: '/jobs/new', search: (prev) => ({ q: prev.q, state: prev.state, from_schedule: schedule.id }) }),
    remove: () => setConfirm('delete'),
    dialogs,
  };
}
