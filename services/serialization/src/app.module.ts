import { TerminusModule } from '@nestjs/terminus';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@pedigree/auth';
import { EnvelopeProducer } from '@pedigree/kafka';
import { KAFKA, OutboxRelayService, ServiceRuntimeModule, TOPICS } from '@pedigree/service-runtime';
import type { Topics } from '@pedigree/contracts';
import type { Kafka } from 'kafkajs';
import { AgentAppointmentRepository } from './agents/agent-appointment.repository';
import { AgentsController } from './agents/agents.controller';
import { CaptureJobRepository } from './capture/capture-job.repository';
import { CaptureController } from './capture/capture.controller';
import { CaptureService } from './capture/capture.service';
import type { SerializationConfig } from './config';
import * as schema from './db/schema';
import { ProjectionService } from './projection/projection.service';
import { EventQueryRepository } from './query/event-query.repository';
import { DiscoveryController } from './query/discovery.controller';
import { QueryAnswers } from './query/query-answers';
import { QueryController } from './query/query.controller';
import { NamedQueryRepository } from './subscriptions/named-query.repository';
import { QueriesController } from './subscriptions/queries.controller';
import { SubscriptionRepository } from './subscriptions/subscription.repository';
import { SubscriptionsService } from './subscriptions/subscriptions.service';
import { CaptureEventCapturer } from './verification/capture-event-capturer';
import { PacksController } from './verification/packs.controller';
import { PgVerificationStore } from './verification/pg-verification-store';
import { VerificationService } from './verification/verification.service';
import { VERIFICATION_STORE, type VerificationStore } from './verification/verification-store';
import { VrsController } from './verification/vrs.controller';
import { SerializationWarmUp } from './warm-up';

@Module({})
export class AppModule {
  static register(config: SerializationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          config,
          schema,
          migrations: 'serialization',
        }),
        AuthModule.forRoot(config),
        TerminusModule,
      ],
      controllers: [
        CaptureController,
        QueryController,
        QueriesController,
        DiscoveryController,
        VrsController,
        PacksController,
        AgentsController,
      ],
      providers: [
        {
          provide: EnvelopeProducer,
          inject: [KAFKA],
          useFactory: (kafka: Kafka) => new EnvelopeProducer(kafka, config.SERVICE_NAME),
        },
        AgentAppointmentRepository,
        CaptureJobRepository,
        CaptureService,
        ProjectionService,
        OutboxRelayService,
        EventQueryRepository,
        QueryAnswers,
        NamedQueryRepository,
        SubscriptionRepository,
        SubscriptionsService,
        PgVerificationStore,
        { provide: VERIFICATION_STORE, useExisting: PgVerificationStore },
        {
          provide: VerificationService,
          inject: [VERIFICATION_STORE, CaptureService, TOPICS],
          useFactory: (store: VerificationStore, capture: CaptureService, topics: Topics) =>
            new VerificationService(store, new CaptureEventCapturer(capture, topics, config.SERVICE_NAME), {
              responderGln: config.VRS_RESPONDER_GLN,
            }),
        },
        SerializationWarmUp,
      ],
    };
  }
}
