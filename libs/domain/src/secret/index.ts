export * from './secret.aggregate';
export * from './secret-reference';
