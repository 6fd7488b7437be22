export * from './migrations';
export * from './shared/cursor';
export * from './scripts/scripts.projection';
export * from './scripts/scripts.query';
export * from './api-keys/api-keys.projection';
