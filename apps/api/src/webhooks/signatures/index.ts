export * from './verification';
export * from './verifier';
export * from './handshakes';
export * from './standard-webhooks';
export * from './discord';
export * from './webhook-secret';
