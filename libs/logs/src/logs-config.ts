/** The log store's settings (README, "Configuration"). */
export interface LogsConfig {
  /** Lines older than this many days are deleted in the background; 0 keeps them forever. */
  retentionDays: number;
  /** Where lines go besides the database: nowhere else, or CloudWatch Logs. */
  sink: 'database' | 'cloudwatch';
  cloudwatch: {
    logGroup: string;
    /** AWS_REGION, else AWS_DEFAULT_REGION; unset: the SDK's own lookup (profile). */
    region?: string;
    /** AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, else AWS_ENDPOINT_URL: a local endpoint (moto, LocalStack). */
    endpoint?: string;
    bufferLines: number;
  };
}

export const DEFAULT_LOG_RETENTION_DAYS = 30;
export const DEFAULT_CLOUDWATCH_LOG_GROUP = '/runlet/logs';
export const DEFAULT_CLOUDWATCH_BUFFER_LINES = 100_000;
// CloudWatch Logs' rule for group names.
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** Reads the RUNLET_LOG_* and RUNLET_CLOUDWATCH_* variables; throws on a value that means nothing. */
export function loadLogsConfig(env: NodeJS.ProcessEnv): LogsConfig {
  const retentionDays = wholeNumber(env, 'RUNLET_LOG_RETENTION_DAYS', DEFAULT_LOG_RETENTION_DAYS, 0);
  const sink = env.RUNLET_LOG_SINK || 'database';
  if (sink !== 'database' && sink !== 'cloudwatch') {
    throw new Error(`RUNLET_LOG_SINK must be database or cloudwatch, got ${JSON.stringify(sink)}`);
  }
  const logGroup = env.RUNLET_CLOUDWATCH_LOG_GROUP || DEFAULT_CLOUDWATCH_LOG_GROUP;
  if (!GROUP_NAME.test(logGroup)) {
    throw new Error(
      `RUNLET_CLOUDWATCH_LOG_GROUP must be 1-512 characters of letters, digits and . - _ / #, got ${JSON.stringify(logGroup)}`,
    );
  }
  return {
    retentionDays,
    sink,
    cloudwatch: {
      logGroup,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
      endpoint: env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS || env.AWS_ENDPOINT_URL || undefined,
      bufferLines: wholeNumber(env, 'RUNLET_CLOUDWATCH_BUFFER_LINES', DEFAULT_CLOUDWATCH_BUFFER_LINES, 1),
    },
  };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
