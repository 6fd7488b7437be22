export * from './execution.types';
export * from './execution.aggregate';
