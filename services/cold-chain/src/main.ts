import './telemetry';
import 'reflect-metadata';
import { loadServiceConfigOrExit, runService } from '@pedigree/service-runtime';
import { AppModule } from './app.module';
import { configSchema } from './config';

const config = loadServiceConfigOrExit(configSchema);
void runService(AppModule.register(config), config, {
  title: 'Pedigree cold-chain service',
  description: 'Sensor readings, storage profiles, excursions and mean kinetic temperature.',
  version: '0.1.0',
});
