export * from './context';
export * from './documents';
export * from './normalise';
export * from './parse';
export * from './vocabulary-forms';
