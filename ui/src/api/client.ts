import { ApiError } from './errors';
import type { RequestMethod, Transport } from './transport';
import type {
  CalendarData,
  CalendarParams,
  CurlCommand,
  CurlExport,
  CurlImport,
  Data,
  DisableInput,
  EngineStatus,
  EventType,
  Job,
  JobInput,
  JobPatch,
  JobState,
  LedgerRun,
  LogEvent,
  LogPage,
  OrderField,
  Page,
  PreviewAnswer,
  PreviewInput,
  Schedule,
  ScheduleRunsParams,
  SettingsAnswer,
  SettingsPatch,
} from './types';

export interface ListJobsParams {
  state?: JobState;
  limit?: number;
  offset?: number;
  order_by?: [OrderField, 'asc' | 'desc'];
  schedule_id?: string;
  q?: string;
}

export interface ListSchedulesParams {
  limit?: number;
  offset?: number;
  q?: string;
}

/** `GET /api/logs`: newest first unless `after` is given (then oldest first); `limit` max 1000. */
export interface ListLogsParams {
  job_id?: string;
  schedule_id?: string;
  /** One type or several (sent as a comma list). */
  event?: EventType | readonly EventType[];
  after?: number;
  before?: number;
  limit?: number;
  order?: 'asc' | 'desc';
}

function queryString(params: object, lists: readonly string[] = []): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && lists.includes(key)) {
      if (value.length > 0) search.set(key, value.join(','));
      continue;
    }
    search.set(key, Array.isArray(value) ? JSON.stringify(value) : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const seg = encodeURIComponent;

/** The typed API client: every call the UI makes, in the API's own terms. */
export function createClient(transport: Transport) {
  async function call<T>(method: RequestMethod, path: string, body?: unknown): Promise<T> {
    let response;
    try {
      response = await transport.request(method, path, body);
    } catch (cause) {
      if (cause instanceof ApiError) throw cause;
      throw ApiError.network(cause);
    }
    if (response.status >= 400 || response.status === 0) {
      throw ApiError.fromResponse(response.status, response.body);
    }
    return response.body as T;
  }

  /** One object in its `{"data": ...}` envelope, checked to be there. */
  async function data<T>(method: RequestMethod, path: string, body?: unknown): Promise<T> {
    const answer = await call<Data<T> | null>(method, path, body);
    if (answer === null || typeof answer !== 'object' || !('data' in answer)) {
      throw new ApiError(502, 'bad_answer', null, `Unexpected answer from ${method} ${path}`);
    }
    return answer.data;
  }

  return {
    listJobs: (params: ListJobsParams = {}) => call<Page<Job>>('GET', `/api/jobs${queryString(params)}`),
    getJob: (id: string) => data<Job>('GET', `/api/jobs/${seg(id)}`),
    createJob: (input: JobInput) => data<Job>('POST', '/api/jobs', input),
    patchJob: (id: string, patch: JobPatch) => data<Job>('PATCH', `/api/jobs/${seg(id)}`, patch),
    cancelJob: (id: string) => data<Job>('POST', `/api/jobs/${seg(id)}/cancel`),
    runJob: (id: string) => data<Job>('POST', `/api/jobs/${seg(id)}/run`),
    jobCurl: async (id: string) => (await data<CurlExport>('GET', `/api/jobs/${seg(id)}/curl`)).curl,

    listSchedules: (params: ListSchedulesParams = {}) =>
      call<Page<Schedule>>('GET', `/api/schedules${queryString(params)}`),
    getSchedule: (id: string) => data<Schedule>('GET', `/api/schedules/${seg(id)}`),
    enableSchedule: (id: string) => data<Schedule>('POST', `/api/schedules/${seg(id)}/enable`),
    /** Paused until enabled, or with `until` (RFC 3339) until then, when it enables itself (`resume_at`). */
    disableSchedule: (id: string, until?: string) =>
      data<Schedule>('POST', `/api/schedules/${seg(id)}/disable`, until === undefined ? undefined : ({ until } satisfies DisableInput)),
    deleteSchedule: async (id: string) => {
      await call<unknown>('DELETE', `/api/schedules/${seg(id)}`);
    },
    runSchedule: (id: string) => data<Job>('POST', `/api/schedules/${seg(id)}/run`),
    patchSchedule: (id: string, patch: JobPatch) => data<Schedule>('PATCH', `/api/schedules/${seg(id)}`, patch),
    previewSchedule: (input: PreviewInput) => data<PreviewAnswer>('POST', '/api/schedules/preview', input),
    /** The schedule's ledger in a range, oldest first. */
    scheduleRuns: (id: string, params: ScheduleRunsParams = {}) =>
      data<LedgerRun[]>('GET', `/api/schedules/${seg(id)}/runs${queryString(params)}`),

    importCurl: (command: string) => data<CurlImport>('POST', '/api/import/curl', { command } satisfies CurlCommand),

    listLogs: (params: ListLogsParams = {}) => call<LogPage<LogEvent>>('GET', `/api/logs${queryString(params, ['event'])}`),
    getLog: (id: number) => data<LogEvent>('GET', `/api/logs/${id}`),

    calendar: (params: CalendarParams) => data<CalendarData>('GET', `/api/calendar${queryString(params)}`),

    getSettings: () => data<SettingsAnswer>('GET', '/api/settings'),
    getStatus: () => data<EngineStatus>('GET', '/api/status'),
    patchSettings: (patch: SettingsPatch) => data<SettingsAnswer>('PATCH', '/api/settings', patch),
    /** The old key stops working at once: the transport switches to the new one before this resolves. */
    regenerateApiKey: async () => {
      const settings = await data<SettingsAnswer>('POST', '/api/settings/api_key/regenerate');
      if (typeof settings?.api_key === 'string' && settings.api_key) transport.updateApiKey?.(settings.api_key);
      return settings;
    },
    regenerateSigningSecret: () => data<SettingsAnswer>('POST', '/api/settings/signing_secret/regenerate'),
  };
}

export type ChimeClient = ReturnType<typeof createClient>;
