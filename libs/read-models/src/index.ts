export * from './migrations';
export * from './common/cursor';
export * from './scripts/scripts.projection';
export * from './scripts/scripts.query';
export * from './api-keys/api-keys.projection';
export * from './builds/builds.projection';
export * from './builds/builds.query';
export * from './builds/builds.migration';
export * from './executions/executions.projection';
export * from './executions/executions.query';
export * from './triggers/triggers.projection';
export * from './triggers/triggers.query';
export * from './triggers/trigger-secret-vault';
/** The one subscription (and checkpoint row) that feeds every read model. */
export const READ_MODELS_SUBSCRIPTION = 'projection:read-models';
export * from './secrets/secrets.projection';
export * from './secrets/secrets.query';
