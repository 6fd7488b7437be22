import { logsMigrations } from '@runlet/logs';
import { readModelMigrations } from '@runlet/read-models';
import { secretsMigrations } from '@runlet/secrets';

/** Every library's tables, applied in this order on start (the event store's come first). */
export const platformMigrations: Function[] = [
  ...logsMigrations,
  ...secretsMigrations,
  ...readModelMigrations,
];
