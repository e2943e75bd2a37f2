export * from './client';
export * from './producer';
export * from './batch-consumer';
export * from './commit-policy';
export * from './trace-context';
export * from './consumer-groups';
export * from './group-progress';
export * from './abortable-delay';
