export * from './logger';
export * from './telemetry';
export * from './trace-fields';
export * from './metrics';
