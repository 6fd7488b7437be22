import { loadLogsConfig } from './logs-config';

describe('loadLogsConfig', () => {
  it('defaults: 30 days of retention, the database only, group /runlet/logs', () => {
    expect(loadLogsConfig({})).toEqual({
      retentionDays: 30,
      sink: 'database',
      cloudwatch: { logGroup: '/runlet/logs', region: undefined, endpoint: undefined, bufferLines: 100_000 },
    });
  });

  it('reads the CloudWatch settings and the standard AWS variables', () => {
    const c = loadLogsConfig({
      RUNLET_LOG_RETENTION_DAYS: '0',
      RUNLET_LOG_SINK: 'cloudwatch',
      RUNLET_CLOUDWATCH_LOG_GROUP: '/acme/runlet',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:5005',
      RUNLET_CLOUDWATCH_BUFFER_LINES: '5000',
    });
    expect(c).toEqual({
      retentionDays: 0,
      sink: 'cloudwatch',
      cloudwatch: {
        logGroup: '/acme/runlet',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:5005',
        bufferLines: 5000,
      },
    });
  });

  it('refuses values that mean nothing, naming the variable', () => {
    expect(() => loadLogsConfig({ RUNLET_LOG_RETENTION_DAYS: '-1' })).toThrow(
      'RUNLET_LOG_RETENTION_DAYS must be a whole number >= 0, got "-1"',
    );
    expect(() => loadLogsConfig({ RUNLET_LOG_RETENTION_DAYS: '7d' })).toThrow('RUNLET_LOG_RETENTION_DAYS');
    expect(() => loadLogsConfig({ RUNLET_LOG_SINK: 'cloudwatchlogs' })).toThrow(
      'RUNLET_LOG_SINK must be database or cloudwatch, got "cloudwatchlogs"',
    );
    expect(() => loadLogsConfig({ RUNLET_CLOUDWATCH_LOG_GROUP: 'a b' })).toThrow(
      'RUNLET_CLOUDWATCH_LOG_GROUP',
    );
  });
});
