export * from './errors';
export * from './timezone';
export * from './schedule';
export * from './tick';
export * from './trigger';
export * from './webhook-auth';
