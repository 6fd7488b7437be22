export * from './test-database';
export * from './moto-server';
