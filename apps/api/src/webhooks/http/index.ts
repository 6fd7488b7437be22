export * from './webhook-auth';
export * from './secret-box';
export * from './request-to-event';
export * from './result-to-response';
