export * from './logs';
