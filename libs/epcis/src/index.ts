export * from './errors';
export * from './model';
export * from './hash';
export * from './xml';
export * from './jsonld';
export * from './validation';
