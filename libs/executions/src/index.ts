export * from './execution-queue';
export * from './execution-view';
export * from './execution-requests';
export * from './execution-results';
export * from './execution-queue.module';
export { Cancellations } from './cancellations';
