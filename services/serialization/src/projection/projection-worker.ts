import './projection-telemetry';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ServiceConfig } from '@pedigree/config';
import { topicsWithPrefix } from '@pedigree/contracts';
import { openDatabase } from '@pedigree/database';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger, shutdownTelemetry } from '@pedigree/observability';
import { PROJECTOR_PARTITION_CONCURRENCY, ProjectionConsumers } from './projection-consumers';

/** What the worker needs of the service's configuration (passed as its `workerData`). */
export type ProjectionWorkerConfig = Pick<
  ServiceConfig,
  'SERVICE_NAME' | 'LOG_LEVEL' | 'DATABASE_URL' | 'KAFKA_BROKERS' | 'KAFKA_TOPIC_PREFIX'
>;

/** Main thread → worker: finish the batches in hand, leave the consumer groups, close the pool, exit. */
export interface StopProjection {
  type: 'stop';
}

/** Worker → main thread, whenever it changes: how many consumers are in their groups (readiness). */
export interface ProjectionMembership {
  type: 'membership';
  joined: number;
  wanted: number;
}

const MEMBERSHIP_POLL_MS = 100;

/**
 * The projection's consumers on their own thread, with their own Kafka client and connection pool (ADR 0010).
 * Capture validates, hashes and encodes a document on the main thread in synchronous stretches of tens of
 * milliseconds; sharing that thread, each of the projector's database round trips waited behind them.
 */
function runProjection(port: MessagePort, config: ProjectionWorkerConfig): void {
  const logger = createLogger(config.SERVICE_NAME, config.LOG_LEVEL).child({ thread: 'projection' });
  const clientName = `${config.SERVICE_NAME}-projection`;
  const database = openDatabase(
    config.DATABASE_URL,
    {},
    {
      // One connection per batch in flight, one for recall notices, one spare.
      maxConnections: PROJECTOR_PARTITION_CONCURRENCY + 2,
      applicationName: clientName,
      onConnectionError: (err) =>
        logger.warn({ err }, 'database connection lost; the pool reconnects on next use'),
    },
  );
  const consumers = new ProjectionConsumers({
    kafka: createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: clientName, logger }),
    pool: database.pool,
    topics: topicsWithPrefix(config.KAFKA_TOPIC_PREFIX),
    groupPrefix: config.KAFKA_TOPIC_PREFIX,
    logger,
  });
  let reported = '';
  const membership = setInterval(() => {
    const { joined, wanted } = consumers.membership;
    if (`${joined}/${wanted}` === reported) return;
    reported = `${joined}/${wanted}`;
    port.postMessage({ type: 'membership', joined, wanted } satisfies ProjectionMembership);
  }, MEMBERSHIP_POLL_MS);
  port.on('message', (message: StopProjection) => {
    if (message.type !== 'stop') return;
    clearInterval(membership);
    void consumers
      .stop()
      .catch((err: unknown) => logger.error({ err }, 'projection consumers did not stop cleanly'))
      .finally(
        () =>
          void database.pool
            .end()
            .then(shutdownTelemetry)
            .finally(() => process.exit(0)),
      );
  });
  consumers.start();
}

if (parentPort) runProjection(parentPort, workerData as ProjectionWorkerConfig);
