export * from './gateway';
export * from './anchor-client';
