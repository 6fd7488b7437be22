export * from './build.types';
export * from './build.aggregate';
