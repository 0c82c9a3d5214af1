import { useMemo, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import { Button } from '../../components/Button';
import { Drawer } from '../../components/Drawer';
import { IconButton } from '../../components/IconButton';
import { IconClose } from '../../components/icons';
import { Skeleton } from '../../components/Skeleton';
import { useDisplayZone } from '../settings/useSettings';
import { clearDraft, readDraft } from './draft';
import { duplicateForm, emptyForm, formFromAttempt, formFromJob, formFromSchedule } from './form';
import { JobBuilder } from './JobBuilder';

/** Back to the jobs view, keeping its search and filter. */
function useCloseBuilder() {
  const navigate = useNavigate();
  const search = useSearch({ from: '/jobs' });
  return () => void navigate({ to: '/jobs', search: { q: search.q, state: search.state } });
}

function LoadingBuilder({ title, error, onClose }: { title: string; error: unknown; onClose: () => void }) {
  return (
    <Drawer open onClose={onClose} title={title} header={<IconButton label="Close" icon={<IconClose />} onClick={onClose} />}>
      {error ? (
        <div className="builder__sections">
          <p className="banner banner--danger" role="alert">
            {errorMessage(error)}
          </p>
          <Button onClick={onClose}>Back</Button>
        </div>
      ) : (
        <div className="builder__sections" aria-busy="true">
          <Skeleton width="30%" height={14} />
          <Skeleton height={30} />
          <Skeleton height={140} />
          <Skeleton width="30%" height={14} />
          <Skeleton height={30} />
        </div>
      )}
    </Drawer>
  );
}

function Loaded({ ready, children, title, error, onClose }: { ready: boolean; children: () => ReactNode; title: string; error: unknown; onClose: () => void }) {
  if (!ready) return <LoadingBuilder title={title} error={error} onClose={onClose} />;
  return <>{children()}</>;
}

/** `/jobs/new`, possibly a duplicate of a job or a schedule (`?from_job=`, `?from_schedule=`). */
export function NewJobBuilder() {
  const client = useClient();
  const close = useCloseBuilder();
  const search = useSearch({ from: '/jobs/new' });
  const fromJob = useQuery({
    queryKey: queryKeys.job(search.from_job ?? ''),
    queryFn: () => client.getJob(search.from_job ?? ''),
    enabled: Boolean(search.from_job),
    staleTime: Infinity,
  });
  const fromSchedule = useQuery({
    queryKey: queryKeys.schedule(search.from_schedule ?? ''),
    queryFn: () => client.getSchedule(search.from_schedule ?? ''),
    enabled: Boolean(search.from_schedule),
    staleTime: Infinity,
  });
  const source = search.from_job ? fromJob : search.from_schedule ? fromSchedule : null;
  // A plain "New job" opens the draft an earlier one left, if any.
  const [draft, setDraft] = useState(() => (search.from_job || search.from_schedule ? null : readDraft()));
  // New times are read in the `default_timezone` setting: wait for it rather than start in another zone.
  const zone = useDisplayZone();
  const initial = useMemo(() => {
    if (zone === null) return null;
    if (search.from_job && search.replay_attempt) {
      // Edit and replay: what that attempt sent, to send again now.
      if (!fromJob.data) return null;
      const attempt = fromJob.data.attempts?.find((a) => a.attempt === search.replay_attempt);
      return attempt ? formFromAttempt(fromJob.data, attempt, zone) : duplicateForm(formFromJob(fromJob.data, zone));
    }
    if (search.from_job) return fromJob.data ? duplicateForm(formFromJob(fromJob.data, zone)) : null;
    if (search.from_schedule) return fromSchedule.data ? duplicateForm(formFromSchedule(fromSchedule.data, zone)) : null;
    return draft?.form ?? emptyForm(zone);
  }, [zone, draft, search.from_job, search.from_schedule, search.replay_attempt, fromJob.data, fromSchedule.data]);
  const discardDraft = () => {
    clearDraft();
    setDraft(null);
  };

  return (
    <Loaded ready={initial !== null} title="New job" error={source?.error} onClose={close}>
      {() => (
        <JobBuilder
          key={`${search.from_job ?? ''}${search.from_schedule ?? ''}${search.replay_attempt ?? ''}${draft ? 'draft' : ''}`}
          mode={{ kind: 'create' }}
          initial={initial!}
          onClose={close}
          draft={draft ? { nameFollows: draft.nameFollows, onDiscard: discardDraft } : undefined}
          responseFrom={{ scheduleId: search.from_schedule, jobId: search.from_job }}
        />
      )}
    </Loaded>
  );
}

/** `/jobs/job/$jobId`: a pending one-off job. */
export function EditJobBuilder() {
  const client = useClient();
  const close = useCloseBuilder();
  const { jobId } = useParams({ from: '/jobs/job/$jobId' });
  const job = useQuery({ queryKey: queryKeys.job(jobId), queryFn: () => client.getJob(jobId), staleTime: Infinity });
  const zone = useDisplayZone();
  const initial = useMemo(() => (job.data && zone !== null ? formFromJob(job.data, zone) : null), [job.data, zone]);
  return (
    <Loaded ready={initial !== null} title="Edit job" error={job.error} onClose={close}>
      {() => <JobBuilder key={jobId} mode={{ kind: 'job', id: jobId }} initial={initial!} onClose={close} />}
    </Loaded>
  );
}

/** `/schedules/$scheduleId/edit`: over the schedule's page, and back to it when closed. */
export function EditScheduleBuilder() {
  const client = useClient();
  const navigate = useNavigate();
  const { scheduleId } = useParams({ from: '/schedules/$scheduleId/edit' });
  const close = () => void navigate({ to: '/schedules/$scheduleId', params: { scheduleId }, search: (prev) => ({ range: prev.range }) });
  const schedule = useQuery({
    queryKey: queryKeys.schedule(scheduleId),
    queryFn: () => client.getSchedule(scheduleId),
    staleTime: Infinity,
  });
  const zone = useDisplayZone();
  const initial = useMemo(
    () => (schedule.data && zone !== null ? formFromSchedule(schedule.data, zone) : null),
    [schedule.data, zone],
  );
  return (
    <Loaded ready={initial !== null} title="Edit schedule" error={schedule.error} onClose={close}>
      {() => (
        <JobBuilder
          key={scheduleId}
          mode={{ kind: 'schedule', id: scheduleId, pendingJobId: schedule.data?.pending_job_id ?? null }}
          initial={initial!}
          onClose={close}
        />
      )}
    </Loaded>
  );
}
