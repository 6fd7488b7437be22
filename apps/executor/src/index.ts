export * from './queue/execution-queue';
export * from './queue/execution-view';
export * from './queue/execution-requests';
export * from './queue/execution-results';
export * from './queue/execution-queue.module';
export { Cancellations } from './cancellations';
export { ExecutorModule } from './executor.module';
