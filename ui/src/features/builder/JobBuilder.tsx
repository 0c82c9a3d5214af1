import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../api/ClientContext';
import { ApiError, errorMessage } from '../../api/errors';
import { queryKeys } from '../../api/queryKeys';
import type { CurlImport } from '../../api/types';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Drawer } from '../../components/Drawer';
import { Field } from '../../components/Field';
import { IconButton } from '../../components/IconButton';
import { Input } from '../../components/Input';
import { IconClose, IconSend, IconTerminal } from '../../components/icons';
import { useToast } from '../../components/Toast';
import { takePendingCurl } from '../../app/pendingCurl';
import { AdvancedSection } from './AdvancedSection';
import { CopyCurlButton } from './CopyCurlButton';
import { CurlPasteDialog } from './CurlPasteDialog';
import { clearDraft, saveDraft } from './draft';
import { ChecksSection } from './ChecksSection';
import {
  ADVANCED_FIELDS,
  CHECK_FIELDS,
  applyCurl,
  checkForm,
  checkRequest,
  fieldForServerError,
  suggestName,
  toJobInput,
  toJobPatch,
  toTryInput,
  type BuilderForm,
  type FieldErrors,
  type FieldKey,
  type ScheduleKind,
} from './form';
import { RequestSection } from './RequestSection';
import { ScheduleSection } from './ScheduleSection';
import { TryResponse } from './TryResponse';
import { useLastResponse } from './useLastResponse';
import { firstBadCheck } from './checksForm';
import './builder.css';

export type BuilderMode =
  | { kind: 'create' }
  | { kind: 'job'; id: string }
  | { kind: 'schedule'; id: string; pendingJobId: string | null };

const FIELD_FOR_FORM_KEY: Partial<Record<keyof BuilderForm, FieldKey>> = {
  method: 'method',
  url: 'url',
  query: 'query',
  headers: 'headers',
  body: 'body',
  inAmount: 'onceIn',
  inUnit: 'onceIn',
  atLocal: 'onceAt',
  everyAmount: 'every',
  everyUnit: 'every',
  cron: 'cron',
  timezone: 'timezone',
  name: 'name',
  description: 'description',
  maxAttempts: 'maxAttempts',
  backoff: 'backoff',
  retryBase: 'retryBase',
  timeout: 'timeout',
  catchUp: 'catchUp',
  networkWait: 'networkWait',
  idempotencyKey: 'idempotencyKey',
  callbackUrl: 'callbackUrl',
  webhookUrl: 'webhookUrl',
  checks: 'checks',
  alertOwn: 'alert',
  alertAfter: 'alert',
  alertRecovery: 'alert',
  alertChange: 'alert',
  alertIgnore: 'alert',
  alertDesktop: 'alert',
  alertWebhook: 'alert',
  overlap: 'overlap',
  maxRuns: 'maxRuns',
  untilLocal: 'until',
  quiet: 'quietHours',
  quietFrom: 'quietHours',
  quietTo: 'quietHours',
  quietZone: 'quietHours',
  quietAction: 'quietHours',
};

function titleFor(mode: BuilderMode): string {
  if (mode.kind === 'job') return 'Edit job';
  if (mode.kind === 'schedule') return 'Edit schedule';
  return 'New job';
}

function allowedKinds(mode: BuilderMode): readonly ScheduleKind[] {
  if (mode.kind === 'job') return ['once'];
  if (mode.kind === 'schedule') return ['every', 'cron'];
  return ['once', 'every', 'cron'];
}

export interface JobBuilderProps {
  mode: BuilderMode;
  initial: BuilderForm;
  onClose: () => void;
  /** The form is a draft kept from an earlier new job; with the way to drop it. */
  draft?: { nameFollows: boolean; onDiscard: () => void };
  /** A new job made from a schedule or job: its runs' responses are there to pick JSON paths from. */
  responseFrom?: { scheduleId?: string | undefined; jobId?: string | undefined };
}

/** Whether a form sets anything of "Checks and alerts" (then the section starts open). */
function setsChecks(form: BuilderForm): boolean {
  return form.checks.length > 0 || form.alertOwn || form.overlap !== '' || form.maxRuns !== '' || form.untilLocal !== '' || form.quiet;
}

/**
 * The job builder: request, schedule and advanced options for a new job or schedule, or
 * an existing one; "Send now" to try the request; paste and copy curl.
 */
export function JobBuilder({ mode, initial, onClose, draft, responseFrom }: JobBuilderProps) {
  const client = useClient();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [form, setForm] = useState<BuilderForm>(initial);
  // A new job's name follows its method and path ("POST /hooks/deploy") until it is typed in.
  const [initialFollows] = useState(draft?.nameFollows ?? (mode.kind === 'create' && !initial.name));
  const [nameFollows, setNameFollows] = useState(initialFollows);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const shown = useMemo(() => (nameFollows ? { ...form, name: suggestName(form) } : form), [form, nameFollows]);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  // the header, query parameter or check (its index) a server error names
  const [serverKeys, setServerKeys] = useState<{ headers: string[]; query: string[]; check: number | null }>({ headers: [], query: [], check: null });
  const [banner, setBanner] = useState<string | null>(null);
  // Said at the top of the form, not in a toast: a toast sat on the footer's save button.
  const [filledFromCurl, setFilledFromCurl] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [checksOpen, setChecksOpen] = useState(() => setsChecks(initial));
  const [curlOpen, setCurlOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [trying, setTrying] = useState(false);
  const [tryJobId, setTryJobId] = useState<string | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const lastResponse = useLastResponse({
    tryJobId,
    scheduleId: mode.kind === 'schedule' ? mode.id : responseFrom?.scheduleId,
    jobId: mode.kind === 'job' ? mode.id : responseFrom?.jobId,
  });

  const update = useCallback((patch: Partial<BuilderForm>) => {
    setForm((current) => ({ ...current, ...patch }));
    const touched = Object.keys(patch)
      .map((k) => FIELD_FOR_FORM_KEY[k as keyof BuilderForm])
      .filter((k): k is FieldKey => k !== undefined);
    if (touched.length > 0) {
      setServerErrors((current) => {
        if (!touched.some((k) => k in current)) return current;
        const next = { ...current };
        for (const k of touched) delete next[k];
        return next;
      });
    }
    if ('scheduleKind' in patch) setServerErrors({});
  }, []);

  const clientErrors = useMemo(() => checkForm(form), [form]);
  const errors: FieldErrors = useMemo(() => {
    const visible: FieldErrors = {};
    for (const [key, message] of Object.entries(clientErrors) as Array<[FieldKey, string]>) {
      // The URL is checked as it is typed; the rest once saving was tried.
      if (attempted || (key === 'url' && form.url.trim() !== '')) visible[key] = message;
    }
    return { ...visible, ...serverErrors };
  }, [clientErrors, serverErrors, attempted, form.url]);

  const fillFromCurl = useCallback(
    (request: CurlImport) => {
      setForm((current) => applyCurl(current, request));
      setServerErrors({});
      setBanner(null);
      setFilledFromCurl(true);
    },
    [],
  );

  // the form changes when the engine answers, never before (so the effect below sets no state itself)
  const importCurl = useCallback(
    (command: string) =>
      client.importCurl(command).then(fillFromCurl, (e: unknown) => setBanner(`Could not read the curl command: ${errorMessage(e)}`)),
    [client, fillFromCurl],
  );

  // A curl command pasted on the jobs view before the builder opened.
  useEffect(() => {
    if (mode.kind !== 'create') return;
    const pending = takePendingCurl();
    if (pending) void importCurl(pending);
  }, [mode.kind, importCurl]);

  const showServerError = (error: unknown) => {
    if (error instanceof ApiError) {
      const target = fieldForServerError(error.field);
      if (target && error.status !== 0) {
        setServerErrors({ [target.key]: error.message });
        setServerKeys({
          headers: target.key === 'headers' && target.detail ? [target.detail] : [],
          query: target.key === 'query' && target.detail ? [target.detail] : [],
          check: target.key === 'checks' && target.detail !== undefined && /^\d+$/.test(target.detail) ? Number(target.detail) : null,
        });
        if (ADVANCED_FIELDS.includes(target.key)) setAdvancedOpen(true);
        if (CHECK_FIELDS.includes(target.key)) setChecksOpen(true);
        setBanner(null);
        return;
      }
    }
    setBanner(errorMessage(error));
  };

  const save = async () => {
    setAttempted(true);
    setBanner(null);
    const problems = checkForm(shown);
    const keys = Object.keys(problems) as FieldKey[];
    if (keys.length > 0) {
      if (keys.some((k) => ADVANCED_FIELDS.includes(k))) setAdvancedOpen(true);
      if (keys.some((k) => CHECK_FIELDS.includes(k))) setChecksOpen(true);
      return;
    }
    setSaving(true);
    try {
      if (mode.kind === 'create') {
        await client.createJob(toJobInput(shown));
        clearDraft();
      }
      else if (mode.kind === 'job') await client.patchJob(mode.id, toJobPatch(shown));
      else await client.patchSchedule(mode.id, toJobPatch(shown));
      void queryClient.invalidateQueries({ queryKey: queryKeys.jobs });
      void queryClient.invalidateQueries({ queryKey: queryKeys.schedules });
      toast(
        mode.kind !== 'create' ? 'Saved' : form.scheduleKind === 'once' ? 'Job scheduled' : 'Schedule created',
        'success',
      );
      onClose();
    } catch (e) {
      showServerError(e);
    } finally {
      setSaving(false);
    }
  };

  const sendNow = async () => {
    const problems = checkRequest(form);
    if (Object.keys(problems).length > 0) {
      setAttempted(true);
      return;
    }
    // a check that cannot be read would refuse the try-out: say so where it is typed
    const checks = checkForm(form).checks;
    if (checks) {
      setAttempted(true);
      setChecksOpen(true);
      return;
    }
    setTrying(true);
    setBanner(null);
    try {
      const job = await client.createJob(toTryInput(shown));
      setTryJobId(job.id);
      requestAnimationFrame(() => bodyRef.current?.querySelector('.try')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }));
    } catch (e) {
      showServerError(e);
    } finally {
      setTrying(false);
    }
  };

  const dirty = nameFollows !== initialFollows || JSON.stringify(form) !== JSON.stringify(initial);
  // A new job is kept as a draft as it is typed, so that neither closing the drawer nor
  // closing the window loses it; typed back to where it started, a fresh one is not kept.
  const keepsDraft = mode.kind === 'create';
  const fromDraft = draft !== undefined;
  useEffect(() => {
    if (!keepsDraft) return;
    if (dirty) saveDraft({ form, nameFollows });
    else if (!fromDraft) clearDraft();
  }, [keepsDraft, fromDraft, dirty, form, nameFollows]);

  // Nothing typed is lost by closing: a new job is kept as a draft, a changed one asks first.
  const requestClose = () => {
    if (!dirty) onClose();
    else if (mode.kind === 'create') {
      toast('Draft kept: “New job” opens it again');
      onClose();
    } else setConfirmDiscard(true);
  };

  const saveLabel = mode.kind !== 'create' ? 'Save changes' : form.scheduleKind === 'once' ? 'Schedule job' : 'Create schedule';
  const copyJobId = mode.kind === 'job' ? mode.id : mode.kind === 'schedule' ? mode.pendingJobId : null;

  return (
    <Drawer
      open
      onClose={requestClose}
      title={titleFor(mode)}
      header={
        <>
          <Button variant="ghost" size="sm" icon={<IconTerminal />} onClick={() => setCurlOpen(true)}>
            Paste curl
          </Button>
          {mode.kind !== 'create' && (
            <CopyCurlButton jobId={copyJobId} disabledReason="This schedule has no pending run to copy." />
          )}
          <IconButton label="Close" icon={<IconClose />} onClick={requestClose} />
        </>
      }
      footer={
        <>
          <Button icon={<IconSend />} busy={trying} onClick={() => void sendNow()} title="Send this request once now, without saving">
            Send now
          </Button>
          <span className="drawer__spacer" />
          <Button variant="ghost" onClick={requestClose}>
            Cancel
          </Button>
          <Button variant="primary" busy={saving} onClick={() => void save()} title="Save (Ctrl+Enter)">
            {saveLabel}
          </Button>
        </>
      }
    >
      <form
        className="builder"
        noValidate
        onSubmit={(e) => e.preventDefault()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            void save();
          }
        }}
      >
        <div ref={bodyRef} className="builder__sections">
          {banner && (
            <p className="banner banner--danger" role="alert">
              {banner}
            </p>
          )}
          {filledFromCurl && (
            <p className="builder__notice" role="status">
              Filled from curl: method, URL, query, headers and body. Check them, then save.
            </p>
          )}
          {draft && (
            <p className="builder__notice" role="status">
              Your unsaved draft, as you left it.
              <Button size="sm" variant="ghost" onClick={draft.onDiscard}>
                Discard draft
              </Button>
            </p>
          )}
          <Field
            label="Name"
            error={errors.name}
            hint={nameFollows && shown.name ? 'Made from the method and path; type to name it yourself.' : undefined}
          >
            {(c) => (
              <Input
                {...c}
                value={shown.name}
                placeholder="Deploy hook"
                onChange={(e) => {
                  setNameFollows(false);
                  update({ name: e.target.value });
                }}
              />
            )}
          </Field>
          <RequestSection
            form={shown}
            update={update}
            errors={errors}
            invalidHeaderKeys={serverErrors.headers ? serverKeys.headers : []}
            invalidQueryKeys={serverErrors.query ? serverKeys.query : []}
            onCurlPasted={(command) => void importCurl(command)}
          />
          {tryJobId && <TryResponse key={tryJobId} jobId={tryJobId} />}
          <ScheduleSection
            form={shown}
            update={update}
            errors={errors}
            allowedKinds={allowedKinds(mode)}
            lockReason={
              mode.kind === 'job'
                ? 'A one-off job stays one-off: duplicate it to make a schedule.'
                : 'A schedule keeps a rule: duplicate it to make a one-off job.'
            }
          />
          <ChecksSection
            form={shown}
            update={update}
            errors={errors}
            errorRow={serverErrors.checks ? serverKeys.check : clientErrors.checks ? firstBadCheck(form.checks) : null}
            open={checksOpen}
            onToggle={() => setChecksOpen((o) => !o)}
            last={lastResponse}
            onSendTest={() => void sendNow()}
            sending={trying}
          />
          <AdvancedSection form={shown} update={update} errors={errors} open={advancedOpen} onToggle={() => setAdvancedOpen((o) => !o)} />
        </div>
      </form>
      <CurlPasteDialog open={curlOpen} onClose={() => setCurlOpen(false)} onImport={fillFromCurl} />
      <ConfirmDialog
        open={confirmDiscard}
        title="Discard your changes?"
        message={<p>What you changed in this {mode.kind === 'job' ? 'job' : 'schedule'} is not saved.</p>}
        confirmLabel="Discard changes"
        onConfirm={onClose}
        onClose={() => setConfirmDiscard(false)}
      />
    </Drawer>
  );
}
