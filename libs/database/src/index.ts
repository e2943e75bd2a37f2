export * from './database';
export * from './processed-messages';
