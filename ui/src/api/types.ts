/**
 * The API's shapes, in one place.
 *
 * Every shape that crosses the wire is generated from the engine's Rust types by ts-rs into
 * `./generated/` (`cargo test` rewrites those files: never edit them); docs/api.md is the
 * reference. They are re-exported here, some under the names the UI used before (`Job` is
 * `JobView`, `LogEvent` is `Event`, which would otherwise shadow the DOM's `Event`, ...).
 *
 * What is written by hand below exists only on this side: how the UI reads members ts-rs
 * can only type as `JsonValue` (`args`), a PATCH body (a merge patch of a
 * `JobInput`), query parameters, and the curl import's answer, which the engine sends as
 * untyped JSON. Each says why.
 */
import type { JobInput } from './generated/JobInput';
import type { Settings } from './generated/Settings';

// ---------- generated (ts-rs) ----------

export type { JsonValue } from './generated/serde_json/JsonValue';

// what a job is and does
export type { Method as HttpMethod } from './generated/Method';
export type { JobState } from './generated/JobState';
export type { CatchUp } from './generated/CatchUp';
export type { Backoff } from './generated/Backoff';
export type { RetryPolicy } from './generated/RetryPolicy';
export type { RequestSpec } from './generated/RequestSpec';
export type { ExecutionView } from './generated/ExecutionView';
export type { OutcomeSummary } from './generated/OutcomeSummary';
/** An attempt's result: `success`, `failure` or `error`. */
export type { Outcome as AttemptOutcome } from './generated/Outcome';
export type { SentRequest } from './generated/SentRequest';
export type { ResponseRecord } from './generated/ResponseRecord';
export type { Redirect } from './generated/Redirect';
export type { Attempt } from './generated/Attempt';
export type { JobView as Job } from './generated/JobView';
export type { ScheduleView as Schedule } from './generated/ScheduleView';
export type { Frequency } from './generated/Frequency';

// checks and alerts (SPEC 7.2-7.4): a job's `assert` list and what each check saw, a
// schedule's `alert`, overlap and quiet hours, and one path of a changed response
export type { AssertItem } from './generated/AssertItem';
export type { StatusSet } from './generated/StatusSet';
export type { CheckResult } from './generated/CheckResult';
export type { Alert } from './generated/Alert';
export type { AlertInput } from './generated/AlertInput';
export type { Channel as AlertChannel } from './generated/Channel';
export type { Overlap } from './generated/Overlap';
export type { QuietHours } from './generated/QuietHours';
export type { QuietHoursInput } from './generated/QuietHoursInput';
export type { QuietAction } from './generated/QuietAction';
/** One difference `job.changed` names: a path with its value before and after (absent when added or removed). */
export type { Change as ResponseChange } from './generated/Change';

// a schedule's ledger: one row per planned run, or per stretch of missed ones (SPEC 7.1)
export type { Run as LedgerRun } from './generated/Run';
export type { RunOutcome } from './generated/RunOutcome';
/** Why a run did not go out as planned. */
export type { Reason as RunReason } from './generated/Reason';
/** What was done about a run that did not go out as planned. */
export type { Action as RunAction } from './generated/Action';

// the log: an event's payload is typed by its kind (`EventOf`, `PayloadOf`, `isEvent` in api/events.ts)
export type { EventKind as EventType } from './generated/EventKind';
export type { Event as LogEvent } from './generated/Event';

// the other answers
export type { Calendar as CalendarData } from './generated/Calendar';
export type { PastRun as CalendarPastRun } from './generated/PastRun';
export type { Upcoming as CalendarUpcomingRun } from './generated/Upcoming';
export type { Band as CalendarBand } from './generated/Band';
export type { Settings } from './generated/Settings';
export type { SettingsAnswer } from './generated/SettingsAnswer';
export type { Status as EngineStatus } from './generated/Status';
export type { JobDefaults } from './generated/JobDefaults';
export type { NextRun } from './generated/NextRun';
export type { PreviewAnswer } from './generated/PreviewAnswer';
export type { CurlExport } from './generated/CurlExport';

// envelopes
export type { Data } from './generated/Data';
export type { Page } from './generated/Page';
export type { LogPage } from './generated/LogPage';
export type { ErrorBody } from './generated/ErrorBody';

// request bodies
export type { JobInput } from './generated/JobInput';
export type { RetryInput } from './generated/RetryInput';
export type { DurationInput } from './generated/DurationInput';
export type { QueryValue } from './generated/QueryValue';
export type { PreviewInput } from './generated/PreviewInput';
export type { DisableInput } from './generated/DisableInput';
export type { CurlCommand } from './generated/CurlCommand';
export type { OrderField } from './generated/OrderField';

// ---------- by hand: only on this side ----------

/**
 * `PATCH /api/jobs/{id}` and `PATCH /api/schedules/{id}`: a merge patch of what was asked.
 * A member replaces the one asked, `null` removes it (lifecycle/jobs.rs `merge_args`), so
 * each member is a `JobInput` member or null. By hand: the engine takes it as JSON.
 */
export type JobPatch = { [K in keyof JobInput]?: JobInput[K] | null };

/**
 * How the UI reads a job's or schedule's `args`, which echo what was asked (a `JobInput`,
 * patches merged in). ts-rs types `args` as `JsonValue`; narrow it with `argsOf` (api/shapes.ts).
 */
export type JobArgs = Partial<JobInput>;


/**
 * `POST /api/import/curl`'s answer: the request fields of a job; query, headers and body
 * only when the command had them. By hand: the engine answers it as JSON (`curl::to_json`).
 */
export type CurlImport = Pick<JobInput, 'method' | 'url' | 'query' | 'headers' | 'body'>;

/** `GET /api/calendar` query parameters, built by the UI. */
export interface CalendarParams {
  /** RFC 3339 instants; a range is at most 62 days. */
  from: string;
  to: string;
  /** IANA zone for day boundaries (default: the `default_timezone` setting). */
  tz?: string;
  /** Runs a day above which a schedule's day becomes a band (default 48). */
  dense?: number;
}

/** `GET /api/schedules/{id}/runs` query parameters, built by the UI. */
export interface ScheduleRunsParams {
  /** RFC 3339 instants; the engine's default is the last 8 days up to one day ahead. */
  from?: string;
  to?: string;
  /** Rows at most, oldest first (engine default 500, at most 10,000). */
  limit?: number;
  /** A stretch of missed runs as one row per planned time instead of one row. */
  expand?: boolean;
}

/** `PATCH /api/settings`: any member but the signing secret (that one is regenerated). By hand: JSON to the engine. */
export type SettingsPatch = Partial<Omit<Settings, 'signing_secret'>>;
