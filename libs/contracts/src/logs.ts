export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogStream = 'stdout' | 'stderr' | 'system';

/** One line of an execution's (or a build's) log. */
export interface LogLine {
  seq: number;
  ts: string; // ISO-8601
  level: LogLevel;
  stream: LogStream;
  message: string;
}
