export * from './errors';
export * from './model';
export * from './hash';
export * from './xml';
