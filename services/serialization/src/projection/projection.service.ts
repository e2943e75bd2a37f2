import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ServiceConfig } from '@pedigree/config';
import {
  LOGGER,
  ReadinessChecks,
  SERVICE_CONFIG,
  SupervisedWorker,
  type Logger,
} from '@pedigree/service-runtime';
import type { ProjectionMembership, ProjectionWorkerConfig, StopProjection } from './projection-worker';

/**
 * Runs the projection (see ProjectionConsumers) on a worker thread, restarted if it dies (ADR 0010). Readiness waits
 * until the worker's consumers have joined their groups, so a capture accepted once the service is ready is projected
 * at once.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: SupervisedWorker<ProjectionMembership>;
  private membership = { joined: 0, wanted: 0 };

  constructor(
    @Inject(LOGGER) logger: Logger,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    health: HealthIndicatorService,
    readiness: ReadinessChecks,
  ) {
    const { SERVICE_NAME, LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX } = config;
    this.worker = new SupervisedWorker<ProjectionMembership>({
      script: join(__dirname, 'projection-worker.js'),
      options: {
        workerData: {
          SERVICE_NAME,
          LOG_LEVEL,
          DATABASE_URL,
          KAFKA_BROKERS,
          KAFKA_TOPIC_PREFIX,
        } satisfies ProjectionWorkerConfig,
      },
      name: 'projection',
      logger,
      onStart: () => (this.membership = { joined: 0, wanted: 0 }),
      onMessage: ({ joined, wanted }) => (this.membership = { joined, wanted }),
    });
    readiness.register(() => {
      const indicator = health.check('projection');
      const { joined, wanted } = this.membership;
      if (this.worker.running && wanted > 0 && joined === wanted) return indicator.up();
      return indicator.down({
        message: this.worker.running
          ? `${joined} of ${wanted || 'its'} consumers in their groups`
          : 'projection worker not running',
      });
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop({ type: 'stop' } satisfies StopProjection);
  }
}
