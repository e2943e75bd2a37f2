export * from './database';
export * from './processed-messages';
export * from './migrations';
