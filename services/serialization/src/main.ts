import 'reflect-metadata';
import { loadServiceConfigOrExit, runService } from '@pedigree/service-runtime';
import { AppModule } from './app.module';
import { configSchema } from './config';

const config = loadServiceConfigOrExit(configSchema);
void runService(AppModule.register(config), config, {
  title: 'Pedigree serialization service',
  description: 'EPCIS 2.0 capture and query, the serial registry and pack verification.',
  version: '0.1.0',
});
