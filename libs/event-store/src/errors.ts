/** An append named a stream version that is not the stream's current one. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number | 'any',
    readonly actualVersion?: number,
  ) {
    super(
      `stream ${streamId} is not at version ${expectedVersion}` +
        (actualVersion !== undefined ? ` (it is at ${actualVersion})` : ''),
    );
    this.name = 'ConcurrencyError';
  }
}
