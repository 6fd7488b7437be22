import { buildMigrations } from '@runlet/build';
import { logsMigrations } from '@runlet/logs';
import { readModelMigrations } from '@runlet/read-models';
import { secretsMigrations } from '@runlet/secrets';
import { ExecutionRetentionIndexH17_1764300000901 } from './retention/execution-retention.migration';

/** Every library's tables, applied in this order on start (the event store's come first). */
export const platformMigrations: Function[] = [
  ...logsMigrations,
  ...secretsMigrations,
  ...readModelMigrations,
  ExecutionRetentionIndexH17_1764300000901,
  ...buildMigrations,
];
