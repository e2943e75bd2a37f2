import './telemetry';
import 'reflect-metadata';
import { loadServiceConfigOrExit, runService } from '@pedigree/service-runtime';
import { AppModule } from './app.module';
import { configSchema } from './config';

const config = loadServiceConfigOrExit(configSchema);
void runService(AppModule.register(config), config, {
  title: 'Pedigree recall service',
  description: 'Recalls, trace forward and back, regulator queries and exports.',
  version: '0.1.0',
});
