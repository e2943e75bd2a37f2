export * from './json';
export * from './vocabulary';
export * from './events';
export * from './documents';
export * from './event-guard';
export * from './units';
