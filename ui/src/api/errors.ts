/** An error answered by the API (or a failure to reach it), in the API's own terms. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Dotted path of the offending input (`url`, `retry.max_attempts`, `headers.X-Foo`), or null. */
  readonly field: string | null;

  constructor(status: number, code: string, field: string | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }

  static fromResponse(status: number, body: unknown): ApiError {
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const err = body.error;
      if (typeof err === 'object' && err !== null) {
        const e = err as Record<string, unknown>;
        return new ApiError(
          status,
          typeof e.code === 'string' ? e.code : 'error',
          typeof e.field === 'string' ? e.field : null,
          typeof e.message === 'string' ? e.message : `Request failed (${status})`,
        );
      }
    }
    const text = typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : `Request failed (${status})`;
    return new ApiError(status, status === 401 ? 'unauthorized' : 'error', null, text);
  }

  static network(cause: unknown): ApiError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new ApiError(0, 'network', null, `Could not reach Chime: ${detail}`);
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
