export * from './infrastructure';
export * from './resources';
export * from './service-process';
export { connectFabricGateway, type FabricGatewayConnection } from '@pedigree/fabric';
export * from './eventually';
export * from './jaeger';
export * from './prometheus';
