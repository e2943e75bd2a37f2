import path from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@pedigree/auth';
import { EnvelopeProducer } from '@pedigree/kafka';
import { KAFKA, ServiceRuntimeModule } from '@pedigree/service-runtime';
import type { Kafka } from 'kafkajs';
import { CaptureJobRepository } from './capture/capture-job.repository';
import { CaptureController } from './capture/capture.controller';
import { CaptureService } from './capture/capture.service';
import type { SerializationConfig } from './config';
import * as schema from './db/schema';
import { ProjectionService } from './projection/projection.service';
import { EventQueryRepository } from './query/event-query.repository';
import { QueryController } from './query/query.controller';

@Module({})
export class AppModule {
  static register(config: SerializationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({ config, schema, migrationsFolder: path.resolve(__dirname, '../drizzle') }),
        AuthModule.forRoot(config),
      ],
      controllers: [CaptureController, QueryController],
      providers: [
        {
          provide: EnvelopeProducer,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new EnvelopeProducer(kafka, config.SERVICE_NAME),
        },
        CaptureJobRepository,
        CaptureService,
        ProjectionService,
        EventQueryRepository,
      ],
    };
  }
}
