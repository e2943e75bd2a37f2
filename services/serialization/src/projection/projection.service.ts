import { once } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ServiceConfig } from '@pedigree/config';
import { LOGGER, ReadinessChecks, SERVICE_CONFIG, type Logger } from '@pedigree/service-runtime';
import type { ProjectionMembership, ProjectionWorkerConfig, StopProjection } from './projection-worker';

const RESTART_DELAY_MS = 1000;
/** How long a stopping worker may take to finish its batches before it is terminated (they are redelivered). */
const STOP_TIMEOUT_MS = 20_000;

/**
 * Runs the projection (see ProjectionConsumers) on a worker thread and restarts it if it dies. Readiness waits until
 * the worker's consumers have joined their groups, so a capture accepted once the service is ready is projected at
 * once.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Worker;
  private membership = { joined: 0, wanted: 0 };
  private stopping = false;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    health: HealthIndicatorService,
    readiness: ReadinessChecks,
  ) {
    readiness.register(() => {
      const indicator = health.check('projection');
      const { joined, wanted } = this.membership;
      if (this.worker && wanted > 0 && joined === wanted) return indicator.up();
      return indicator.down({
        message: this.worker
          ? `${joined} of ${wanted || 'its'} consumers in their groups`
          : 'projection worker not running',
      });
    });
  }

  onApplicationBootstrap(): void {
    this.startWorker();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ type: 'stop' } satisfies StopProjection);
    const deadline = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(deadline);
  }

  private startWorker(): void {
    const { SERVICE_NAME, LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX } = this.config;
    const worker = new Worker(join(__dirname, 'projection-worker.js'), {
      workerData: {
        SERVICE_NAME,
        LOG_LEVEL,
        DATABASE_URL,
        KAFKA_BROKERS,
        KAFKA_TOPIC_PREFIX,
      } satisfies ProjectionWorkerConfig,
    });
    this.worker = worker;
    this.membership = { joined: 0, wanted: 0 };
    worker.on('message', ({ joined, wanted }: ProjectionMembership) => {
      this.membership = { joined, wanted };
    });
    worker.on('error', (err) => this.logger.error({ err }, 'projection worker failed'));
    worker.on('exit', (code) => {
      this.worker = undefined;
      if (this.stopping) return;
      this.logger.error({ code }, 'projection worker exited; restarting it');
      setTimeout(() => this.startWorker(), RESTART_DELAY_MS).unref();
    });
  }
}
