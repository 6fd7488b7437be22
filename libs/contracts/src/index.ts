export * from './logs';
export * from './stored-json';
