export * from './event-facts';
export * from './pack-status';
export * from './registry-fold';
export * from './custody';
