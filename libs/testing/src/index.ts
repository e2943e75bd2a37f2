export * from './infrastructure';
export * from './resources';
export * from './service-process';
export * from './fabric-gateway';
export * from './eventually';
