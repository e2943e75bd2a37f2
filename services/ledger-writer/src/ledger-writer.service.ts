import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { Topics } from '@pedigree/contracts';
import { EnvelopeProducer } from '@pedigree/kafka';
import {
  KAFKA,
  LOGGER,
  ReadinessChecks,
  SERVICE_CONFIG,
  TOPICS,
  type Logger,
} from '@pedigree/service-runtime';
import type { LedgerWriterConfig } from './config';
import { FabricAnchorLedger } from './fabric/fabric-anchor-ledger';
import { Anchorer } from './log/anchorer';
import { LogAppender } from './log/log-appender';
import { LogRepository } from './log/log-repository';
import {
  LedgerCounters,
  renderMetrics,
  type AnchoringStateName,
  type Backlog,
} from './metrics/ledger-metrics';

export const LEDGER_GROUP = 'ledger-writer.log';
const RETRY_START_MS = 5000;
const FABRIC_PING_MS = 2000;

/**
 * Starts the log consumer and the anchorer. Readiness depends only on what serving needs (database, Kafka, the
 * consumer in its group); how Fabric and anchoring are doing is reported in the health details and the metrics, so
 * that a Fabric outage or a rejected head does not take the proofs API (served from PostgreSQL) out of service.
 */
@Injectable()
export class LedgerWriterService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly ledger: FabricAnchorLedger;
  private readonly producer: EnvelopeProducer;
  private readonly anchorer: Anchorer;
  private readonly consumer: LogAppender;
  private readonly counters = new LedgerCounters();
  private stopped = false;

  constructor(
    private readonly repository: LogRepository,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(TOPICS) topics: Topics,
    @Inject(SERVICE_CONFIG) private readonly config: LedgerWriterConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessChecks,
    private readonly health: HealthIndicatorService,
  ) {
    this.ledger = new FabricAnchorLedger({
      peerEndpoint: config.FABRIC_PEER_ENDPOINT,
      peerHostAlias: config.FABRIC_PEER_HOST_ALIAS,
      tlsCaCertPath: config.FABRIC_TLS_CA_CERT,
      mspId: config.FABRIC_MSP_ID,
      userCertPath: config.FABRIC_USER_CERT,
      userKeyPath: config.FABRIC_USER_KEY,
      channel: config.FABRIC_CHANNEL,
      chaincode: config.FABRIC_CHAINCODE,
    });
    this.producer = new EnvelopeProducer(kafka, config.SERVICE_NAME);
    this.consumer = new LogAppender({
      kafka,
      groupId: config.KAFKA_TOPIC_PREFIX + LEDGER_GROUP,
      topics,
      repository,
      onAppended: (appended) => {
        this.counters.appended(appended);
        this.anchorer.wake();
      },
      logger,
    });
    this.anchorer = new Anchorer(
      repository,
      this.ledger,
      {
        publish: async (head) => {
          await this.producer.publish(topics.ledgerAnchors, [{ key: 'log', payload: head }]);
        },
      },
      this.consumer,
      { maxLeaves: config.ANCHOR_MAX_LEAVES, maxDelayMs: config.ANCHOR_MAX_DELAY_MS },
      { initialMs: config.ANCHOR_RETRY_INITIAL_MS, maxMs: config.ANCHOR_RETRY_MAX_MS },
      logger.child({ component: 'anchorer' }),
      undefined,
      () => this.counters.anchored(),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.repository.init();
    this.readiness.register(() => this.consumerCheck());
    this.readiness.report(() => this.fabricCheck());
    this.readiness.report(() => this.anchoringCheck());
    this.anchorer.start();
    void this.startConsumer();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.consumer.stop().catch(() => undefined);
    await this.anchorer.stop();
    await this.producer.disconnect().catch(() => undefined);
    this.ledger.close();
  }

  /** Starts the consumer, retrying in the background while Kafka is unreachable. */
  private async startConsumer(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.consumer.start();
    } catch (error) {
      this.logger.warn({ err: error }, 'ledger consumer could not start; retrying');
      await this.consumer.stop().catch(() => undefined);
      setTimeout(() => void this.startConsumer(), RETRY_START_MS).unref();
    }
  }

  /** The metrics in the Prometheus text format. */
  async metrics(): Promise<string> {
    const [backlog, fabricReachable] = await Promise.all([
      this.repository.backlog().catch((error: unknown): Backlog | undefined => {
        this.logger.warn({ err: error }, 'metrics: the database did not answer');
        return undefined;
      }),
      this.ledger.ping(FABRIC_PING_MS).then(
        () => true,
        () => false,
      ),
    ]);
    return renderMetrics({
      leavesAppended: this.counters.leavesAppended,
      headsAnchored: this.counters.headsAnchored,
      backlog,
      anchoring: this.anchoringStateName(),
      fabricReachable,
      active: true,
    });
  }

  private anchoringStateName(): AnchoringStateName {
    return this.anchorer.anchoringState.status;
  }

  private consumerCheck() {
    const indicator = this.health.check('ledger-consumer');
    return this.consumer.joined ? indicator.up() : indicator.down({ message: 'not in its consumer group' });
  }

  private async fabricCheck() {
    const indicator = this.health.check('fabric');
    try {
      await this.ledger.ping(FABRIC_PING_MS);
      return indicator.up({ channel: this.config.FABRIC_CHANNEL, chaincode: this.config.FABRIC_CHAINCODE });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  private anchoringCheck() {
    const indicator = this.health.check('anchoring');
    const state = this.anchorer.anchoringState;
    switch (state.status) {
      case 'ok':
        return indicator.up();
      case 'fabric-down':
        return indicator.down({
          message: state.error,
          since: state.since.toISOString(),
          attempts: state.attempts,
        });
      case 'rejected':
        return indicator.down({
          message: `the ledger rejected head ${state.head.treeSize}: ${state.reason}`,
        });
    }
  }
}
