import { TerminusModule } from '@nestjs/terminus';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { AuthModule } from '@pedigree/auth';
import { EnvelopeProducer } from '@pedigree/kafka';
import { KAFKA, OutboxRelayService, ServiceRuntimeModule } from '@pedigree/service-runtime';
import type { ColdChainConfig } from './config';
import * as schema from './db/schema';
import { EvaluationService } from './evaluation/evaluation.service';
import { ExcursionsController } from './http/excursions.controller';
import { ExcursionsService } from './http/excursions.service';
import { ProfilesController } from './http/profiles.controller';
import { ReadingsController } from './http/readings.controller';
import { TemperatureController } from './http/temperature.controller';
import { TemperatureService } from './http/temperature.service';
import { IngestConsumersService } from './ingest/ingest-consumers.service';
import { RetentionService } from './store/retention.service';

@Module({})
export class AppModule {
  static register(config: ColdChainConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          config,
          schema,
          migrations: 'cold-chain',
        }),
        AuthModule.forRoot(config),
        TerminusModule,
      ],
      controllers: [ProfilesController, ReadingsController, TemperatureController, ExcursionsController],
      providers: [
        {
          provide: EnvelopeProducer,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new EnvelopeProducer(kafka, config.SERVICE_NAME),
        },
        OutboxRelayService,
        EvaluationService,
        IngestConsumersService,
        ExcursionsService,
        TemperatureService,
        RetentionService,
      ],
    };
  }
}
