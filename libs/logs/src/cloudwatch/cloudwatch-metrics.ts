import { Counter, Gauge } from 'prom-client';

// On the default registry, which /metrics serves.
export const exportDroppedLines = new Counter({
  name: 'runlet_log_export_dropped_lines_total',
  help: 'Log lines an export (CloudWatch) gave up: buffer_full (an outage outlasted the buffer), rejected (refused by the service), shutdown (unsent at close)',
  labelNames: ['sink', 'reason'],
});

export const exportSentLines = new Counter({
  name: 'runlet_log_export_sent_lines_total',
  help: 'Log lines an export (CloudWatch) delivered',
  labelNames: ['sink'],
});

export const exportBufferedLines = new Gauge({
  name: 'runlet_log_export_buffered_lines',
  help: 'Log lines waiting in an export’s buffer (CloudWatch)',
  labelNames: ['sink'],
});
