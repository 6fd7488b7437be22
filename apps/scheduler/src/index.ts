export * from './scheduler.config';
export * from './cron-repeat-strategy';
export * from './cron-trigger-cache';
export * from './tick-firer';
export { CronScheduler } from './cron-scheduler';
export { SchedulerModule } from './scheduler.module';
