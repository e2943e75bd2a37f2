export * from './tokens';
export * from './service-runtime.module';
export * from './bootstrap';
export * from './problem-details.filter';
export * from './public-route';
export { ReadinessChecks } from './health/readiness-checks';
export { SupervisedWorker, type SupervisedWorkerOptions } from './supervised-worker';
export * from './openapi-bodies';
export * from './json-body';
