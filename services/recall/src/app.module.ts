import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import { AuthModule } from '@pedigree/auth';
import { EnvelopeProducer } from '@pedigree/kafka';
import { KAFKA, OutboxRelayService, ServiceRuntimeModule } from '@pedigree/service-runtime';
import type { RecallConfig } from './config';
import * as schema from './db/schema';
import { LotsController } from './lots/lots.controller';
import { LotsRepository } from './lots/lots.repository';
import { ProjectionService } from './projection/projection.service';
import { RecallsController } from './recalls/recalls.controller';
import { RecallsService } from './recalls/recalls.service';
import { TraceController } from './trace/trace.controller';
import { TraceRepository } from './trace/trace.repository';

@Module({})
export class AppModule {
  static register(config: RecallConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          config,
          schema,
          migrations: 'recall',
        }),
        AuthModule.forRoot(config),
        TerminusModule,
      ],
      controllers: [RecallsController, TraceController, LotsController],
      providers: [
        {
          provide: EnvelopeProducer,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new EnvelopeProducer(kafka, config.SERVICE_NAME),
        },
        OutboxRelayService,
        ProjectionService,
        RecallsService,
        TraceRepository,
        LotsRepository,
      ],
    };
  }
}
