import { isBackendUnavailable } from './unavailable';

describe('isBackendUnavailable', () => {
  it('recognises a PostgreSQL shutdown or lost connection, also wrapped by TypeORM', () => {
    const shuttingDown = Object.assign(new Error('the database system is shutting down'), { code: '57P03' });
    expect(isBackendUnavailable(shuttingDown)).toBe(true);
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(
      isBackendUnavailable({
        name: 'QueryFailedError',
        message: terminated.message,
        driverError: terminated,
      }),
    ).toBe(true);
    expect(isBackendUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isBackendUnavailable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
  });

  it('recognises a Redis connection that is gone', () => {
    expect(isBackendUnavailable(new Error('Connection is closed.'))).toBe(true);
  });

  it('does not take a query error or a bug for an outage', () => {
    expect(isBackendUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(
      false,
    );
    expect(isBackendUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(
      false,
    );
    expect(isBackendUnavailable(undefined)).toBe(false);
  });
});
