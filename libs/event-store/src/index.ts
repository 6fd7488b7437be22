export * from './types';
export * from './errors';
export * from './database';
export * from './event-store';
export * from './event-hints';
export * from './subscription';
export { eventStoreMigrations } from './migrations';
export * from './aggregate-repository';
export * from './composite-handler';
