export * from './migrations';
export * from './log-store';
export { LogWriter } from './log-writer';
export type { LogWriterOptions, LogSink } from './log-writer';
export type { PendingLine } from './log-sql';
export { logLinesAttachment } from './log-sql';
export { ChannelSubscriber } from './channel-subscriber';
export { logChannel } from './log-channel';
export * from './delete-execution-logs';
