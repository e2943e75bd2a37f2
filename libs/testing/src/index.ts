export * from './infrastructure';
export * from './resources';
