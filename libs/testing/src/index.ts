export * from './test-database';
export * from './database-scan';
export * from './moto-server';
export * from './outside-http-server';
