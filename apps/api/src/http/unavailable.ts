/**
 * Whether an error means PostgreSQL or Redis could not be reached or dropped the connection (a
 * restart, a failover, a killed session), not that the request was wrong or our code failed: the
 * caller should retry, so it is answered 503 with Retry-After rather than 500.
 */
export function isBackendUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 4; e = e.driverError ?? e.cause, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    // SQLSTATE class 08 (connection exception), 57P01-03 (shutdown, crash, cannot connect now), 53300 (too many connections).
    if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    // pg and ioredis name a lost connection only in their messages.
    if (
      /Connection terminated|connection timeout|Client has encountered a connection error|Connection is closed|Reached the max retries per request limit/i.test(
        message,
      )
    )
      return true;
    if (e.name === 'MaxRetriesPerRequestError') return true;
  }
  return false;
}

/** Seconds a caller is told to wait before retrying an unavailable backend. */
export const UNAVAILABLE_RETRY_AFTER_S = 1;
