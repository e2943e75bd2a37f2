import './telemetry';
import 'reflect-metadata';
import { loadServiceConfigOrExit, runService } from '@pedigree/service-runtime';
import { AppModule } from './app.module';
import { configSchema } from './config';

const config = loadServiceConfigOrExit(configSchema);
void runService(AppModule.register(config), config, {
  title: 'Pedigree ledger-writer service',
  description: 'Merkle log of every event, anchored on Hyperledger Fabric; inclusion and consistency proofs.',
  version: '0.1.0',
});
