export * from './stored-events';
export * from './batch-projector';
