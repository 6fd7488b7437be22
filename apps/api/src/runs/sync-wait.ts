/** Longest a request waits for a result before answering 202 with the execution id. */
export const MAX_SYNC_WAIT_MS = 60_000;
