export * from './shared/aggregate';
export * from './shared/errors';
export * from './script/script.types';
export * from './script/script-limits';
export * from './script/script.aggregate';
export * from './api-key/api-key.aggregate';
export * from './trigger';
export * from './execution';
