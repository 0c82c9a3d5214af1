import { useId, useMemo, useState } from 'react';
import type { JsonValue, Overlap, QuietAction } from '../../api/types';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { IconButton } from '../../components/IconButton';
import { IconChevron, IconClose, IconPlus, IconSend } from '../../components/icons';
import { Input, Textarea } from '../../components/Input';
import { JsonTree } from '../../components/JsonTree';
import { SegmentedControl } from '../../components/SegmentedControl';
import { Select, type SelectOption } from '../../components/Select';
import { Spinner } from '../../components/Spinner';
import { Switch } from '../../components/Switch';
import { parseJsonText } from '../../lib/json';
import { formatShort } from '../../lib/time';
import { CHECK_KINDS, newCheck, type CheckKind, type CheckRow, type JsonTest } from './checksForm';
import type { BuilderForm, FieldErrors } from './form';
import { TimezonePicker } from './TimezonePicker';
import type { LastResponse } from './useLastResponse';

type Update = (patch: Partial<BuilderForm>) => void;

const JSON_TESTS: ReadonlyArray<SelectOption<JsonTest>> = [
  { value: 'equals', label: 'equals' },
  { value: 'contains', label: 'contains' },
  { value: 'exists', label: 'exists' },
  { value: 'missing', label: 'is missing' },
];

const OVERLAPS: ReadonlyArray<SelectOption<Overlap | ''>> = [
  { value: '', label: 'Default: run alongside it' },
  { value: 'skip', label: 'Skip the new run' },
  { value: 'queue', label: 'Wait for it to end' },
  { value: 'replace', label: 'Cancel it, run the new one' },
];

const KIND_LABEL = Object.fromEntries(CHECK_KINDS.map((k) => [k.kind, k.label])) as Record<CheckKind, string>;

/** What the closed section says: its checks and, for a schedule, what is set. */
function summary(form: BuilderForm, isSchedule: boolean): string {
  const n = form.checks.length;
  const parts = [n === 0 ? 'no checks' : n === 1 ? '1 check' : `${n} checks`];
  if (isSchedule) {
    if (form.alertOwn) parts.push(`alert after ${form.alertAfter || 3} failures${form.alertChange ? ', on change' : ''}`);
    if (form.overlap) parts.push(`overlap: ${form.overlap}`);
    if (form.maxRuns) parts.push(`at most ${form.maxRuns} runs`);
    if (form.untilLocal) parts.push('until a date');
    if (form.quiet) parts.push(`quiet ${form.quietFrom}–${form.quietTo}`);
  }
  return parts.join(' · ');
}

/** One check's inputs, by kind; each labelled "Check N …". */
function CheckEditor({
  row,
  n,
  error,
  onChange,
  onRemove,
}: {
  row: CheckRow;
  n: number;
  /** What is wrong with this check (the engine's refusal or the form's), shown in its row. */
  error: string | undefined;
  onChange: (patch: Partial<CheckRow>) => void;
  onRemove: () => void;
}) {
  const name = `Check ${n}`;
  const errorId = useId();
  const input = (label: string, key: 'target' | 'value', placeholder: string, mono = true, type = 'text') => (
    <Input
      aria-label={`${name} ${label}`}
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? errorId : undefined}
      mono={mono}
      type={type}
      placeholder={placeholder}
      value={row[key]}
      spellCheck={false}
      autoCapitalize="off"
      onChange={(e) => onChange({ [key]: e.target.value })}
    />
  );
  let fields;
  switch (row.kind) {
    case 'status':
      fields = input('statuses', 'value', '2xx, or 200, 204');
      break;
    case 'json':
      fields = (
        <>
          {input('path', 'target', 'data.items[0].ok')}
          <Select<JsonTest> aria-label={`${name} test`} className="check-row__test" value={row.test} onChange={(test) => onChange({ test })} options={JSON_TESTS} />
          {(row.test === 'equals' || row.test === 'contains') && input('value', 'value', 'true, 42 or "text"')}
        </>
      );
      break;
    case 'body':
      fields = input('pattern', 'value', 'regular expression, e.g. "status":\\s*"ok"');
      break;
    case 'header':
      fields = (
        <>
          {input('header name', 'target', 'content-type')}
          <span className="check-row__word">matches</span>
          {input('pattern', 'value', 'json')}
        </>
      );
      break;
    case 'latency':
      fields = (
        <>
          <span className="check-row__word">at most</span>
          {input('milliseconds', 'value', '800', false, 'number')}
          <span className="check-row__word">ms</span>
        </>
      );
      break;
    case 'cert':
      fields = (
        <>
          <span className="check-row__word">valid for at least</span>
          {input('days', 'value', '14', false, 'number')}
          <span className="check-row__word">more days</span>
        </>
      );
      break;
  }
  return (
    <li className={`check-row check-row--${row.kind}`}>
      <span className="check-row__kind">{KIND_LABEL[row.kind]}</span>
      <span className="check-row__fields">{fields}</span>
      <IconButton size="sm" label={`Remove check ${n}`} icon={<IconClose />} onClick={onRemove} />
      {error && (
        <p id={errorId} className="field__error check-row__error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/**
 * The last response as a tree: clicking a value adds a JSON check of its path that it
 * equals it. Without a response yet, it offers to send the request once to get one.
 */
function ResponsePicker({ last, onPick, onSendTest, sending }: { last: LastResponse; onPick: (path: string, value: JsonValue) => void; onSendTest: () => void; sending: boolean }) {
  const body = useMemo(() => parseJsonText(last.response?.body), [last.response]);
  if (last.response && body.ok) {
    return (
      <div className="response-picker">
        <p className="field__hint">
          Click a value to check it. From {last.fromTry ? 'the test request' : `the run of ${last.at ? formatShort(last.at) : 'before'}`}
          {last.response.truncated && ' (its body was cut at the size limit)'}.
        </p>
        <JsonTree value={body.value} label="Response to pick from" expandDepth={6} onPick={onPick} />
      </div>
    );
  }
  return (
    <div className="response-picker response-picker--empty">
      {last.loading || sending ? (
        <span className="faint">
          <Spinner size={12} /> Waiting for a response…
        </span>
      ) : (
        <>
          <span className="faint">{last.response ? 'The last response is not JSON.' : 'No response yet to pick from.'}</span>
          <Button size="sm" icon={<IconSend />} onClick={onSendTest} title="Send this request once now, without saving">
            Send a test request
          </Button>
        </>
      )}
    </div>
  );
}

function Checks({
  form,
  update,
  error,
  errorRow,
  last,
  onSendTest,
  sending,
}: {
  form: BuilderForm;
  update: Update;
  error: string | undefined;
  /** The check `error` is about, when it names one: the error shows in its row. */
  errorRow: number | null;
  last: LastResponse;
  onSendTest: () => void;
  sending: boolean;
}) {
  const inRow = error !== undefined && errorRow !== null && errorRow < form.checks.length;
  const [picking, setPicking] = useState(false);
  const change = (id: string, patch: Partial<CheckRow>) => update({ checks: form.checks.map((c) => (c.id === id ? { ...c, ...patch } : c)) });
  const add = (row: CheckRow) => update({ checks: [...form.checks, row] });
  return (
    <div className="checks-editor" role="group" aria-label="Checks">
      <h4 className="checks-editor__title">Checks</h4>
      <p className="field__hint">Each must hold, or the run fails and is tried again like a 5xx.</p>
      {form.checks.length > 0 && (
        <ol className="check-rows">
          {form.checks.map((row, i) => (
            <CheckEditor
              key={row.id}
              row={row}
              n={i + 1}
              error={inRow && i === errorRow ? error : undefined}
              onChange={(patch) => change(row.id, patch)} onRemove={() => update({ checks: form.checks.filter((c) => c.id !== row.id) })} />
          ))}
        </ol>
      )}
      {error && !inRow && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="checks-editor__add" role="group" aria-label="Add a check">
        {CHECK_KINDS.map(({ kind, label }) => (
          <Button key={kind} size="sm" variant="ghost" icon={<IconPlus />} onClick={() => add(newCheck(kind))}>
            {label}
          </Button>
        ))}
        <span className="drawer__spacer" />
        <Button size="sm" aria-expanded={picking} onClick={() => setPicking((p) => !p)}>
          Pick from the response
        </Button>
      </div>
      {picking && (
        <ResponsePicker
          last={last}
          sending={sending}
          onSendTest={onSendTest}
          onPick={(path, value) => add(newCheck('json', { target: path, test: 'equals', value: JSON.stringify(value) }))}
        />
      )}
    </div>
  );
}

function Alerts({ form, update, error }: { form: BuilderForm; update: Update; error: string | undefined }) {
  return (
    <div className="checks-editor" role="group" aria-label="Alerts">
      <h4 className="checks-editor__title">Alerts</h4>
      <Switch
        checked={form.alertOwn}
        onChange={(alertOwn) => update({ alertOwn })}
        label={form.alertOwn ? 'Alerts of its own' : 'Default: tell the first failure and the recovery, on the desktop'}
      />
      {form.alertOwn && (
        <div className="advanced-grid">
          <Field label="Alert after failed runs in a row" hint="Default 3; 0 never">
            {(c) => <Input {...c} type="number" min={0} placeholder="3" value={form.alertAfter} onChange={(e) => update({ alertAfter: e.target.value })} />}
          </Field>
          <div className="checks-editor__switches">
            <Switch checked={form.alertRecovery} onChange={(alertRecovery) => update({ alertRecovery })} label="Tell when it works again" />
            <Switch checked={form.alertChange} onChange={(alertChange) => update({ alertChange })} label="Tell when the response changes" />
          </div>
          {form.alertChange && (
            <Field label="Ignore these paths when comparing" hint="One a line, such as body.generated_at (headers are never compared)" className="advanced-grid__wide">
              {(c) => (
                <Textarea {...c} mono rows={2} className="textarea--short" placeholder="body.generated_at" value={form.alertIgnore} onChange={(e) => update({ alertIgnore: e.target.value })} />
              )}
            </Field>
          )}
          <div className="advanced-grid__wide checks-editor__channels" role="group" aria-label="Alert channels">
            <span className="field__label">Tell by</span>
            <Switch checked={form.alertDesktop} onChange={(alertDesktop) => update({ alertDesktop })} label="Desktop notification" />
            <Switch checked={form.alertWebhook} onChange={(alertWebhook) => update({ alertWebhook })} label="Webhook" />
            {form.alertWebhook && !form.webhookUrl.trim() && <span className="field__hint">Set its URL under Advanced.</span>}
          </div>
        </div>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function Limits({ form, update, errors }: { form: BuilderForm; update: Update; errors: FieldErrors }) {
  return (
    <div className="checks-editor" role="group" aria-label="Overlap and limits">
      <h4 className="checks-editor__title">Overlap and limits</h4>
      <div className="advanced-grid">
        <Field label="When a run is due while the last one still runs" error={errors.overlap} className="advanced-grid__wide">
          {(c) => <Select<Overlap | ''> {...c} value={form.overlap} onChange={(overlap) => update({ overlap })} options={OVERLAPS} />}
        </Field>
        <Field label="Stop after runs" error={errors.maxRuns} hint="Empty: no limit">
          {(c) => <Input {...c} type="number" min={1} value={form.maxRuns} onChange={(e) => update({ maxRuns: e.target.value })} />}
        </Field>
        <Field label="No runs after" error={errors.until} hint={`Empty: no end · in ${form.timezone}`}>
          {(c) => <Input {...c} type="datetime-local" value={form.untilLocal} onChange={(e) => update({ untilLocal: e.target.value })} />}
        </Field>
      </div>
    </div>
  );
}

function QuietHoursEditor({ form, update, error }: { form: BuilderForm; update: Update; error: string | undefined }) {
  return (
    <div className="checks-editor" role="group" aria-label="Quiet hours">
      <h4 className="checks-editor__title">Quiet hours</h4>
      <Switch
        checked={form.quiet}
        onChange={(quiet) => update({ quiet, quietZone: form.quietZone || form.timezone })}
        label={form.quiet ? 'No runs in these hours' : 'None: it runs at any hour'}
      />
      {form.quiet && (
        <div className="advanced-grid">
          <div className="quiet-hours__times">
            <Field label="From">{(c) => <Input {...c} type="time" value={form.quietFrom} onChange={(e) => update({ quietFrom: e.target.value })} />}</Field>
            <Field label="To">{(c) => <Input {...c} type="time" value={form.quietTo} onChange={(e) => update({ quietTo: e.target.value })} />}</Field>
          </div>
          <div className="field">
            <span className="field__label">A run due then is</span>
            <SegmentedControl<QuietAction>
              label="A run due in quiet hours is"
              value={form.quietAction}
              onChange={(quietAction) => update({ quietAction })}
              options={[
                { value: 'skip', label: 'Skipped' },
                { value: 'defer', label: 'Moved to their end' },
              ]}
            />
          </div>
          <div className="advanced-grid__wide">
            <TimezonePicker label="Quiet hours’ time zone" value={form.quietZone || form.timezone} onChange={(quietZone) => update({ quietZone })} />
          </div>
        </div>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * "Checks and alerts" (SPEC 7): the checks every response must pass, a JSON path picked
 * from the last response; for a schedule also its alerts, overlap, limits and quiet hours.
 */
export function ChecksSection({
  form,
  update,
  errors,
  errorRow = null,
  open,
  onToggle,
  last,
  onSendTest,
  sending,
}: {
  form: BuilderForm;
  update: Update;
  errors: FieldErrors;
  /** The check `errors.checks` is about, if it names one. */
  errorRow?: number | null;
  open: boolean;
  onToggle: () => void;
  last: LastResponse;
  onSendTest: () => void;
  sending: boolean;
}) {
  const panelId = useId();
  const isSchedule = form.scheduleKind !== 'once';
  return (
    <section className="builder-section" aria-label="Checks and alerts">
      <button type="button" className="disclosure" aria-expanded={open} aria-controls={panelId} onClick={onToggle}>
        <IconChevron className="disclosure__chevron" />
        <span className="builder-section__title">Checks and alerts</span>
        {!open && <span className="disclosure__summary">{summary(form, isSchedule)}</span>}
      </button>
      <div id={panelId} hidden={!open} className="checks-panel">
        <Checks form={form} update={update} error={errors.checks} errorRow={errorRow} last={last} onSendTest={onSendTest} sending={sending} />
        {isSchedule && (
          <>
            <Alerts form={form} update={update} error={errors.alert} />
            <Limits form={form} update={update} errors={errors} />
            <QuietHoursEditor form={form} update={update} error={errors.quietHours} />
          </>
        )}
      </div>
    </section>
  );
}
