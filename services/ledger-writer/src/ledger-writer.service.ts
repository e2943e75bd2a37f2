import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { metrics } from '@opentelemetry/api';
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
import { ActiveWriter } from './log/active-writer';
import { LogRepository } from './log/log-repository';
import { PgLockSession } from './log/pg-lock-session';
import { WriterElection } from './log/writer-election';
import {
  LedgerCounters,
  renderMetrics,
  type AnchoringStateName,
  type Backlog,
} from './metrics/ledger-metrics';

export const LEDGER_GROUP = 'ledger-writer.log';
const FABRIC_PING_MS = 2000;
const LOCK_SESSION_TIMEOUT_MS = 5000;

/**
 * Runs the writer election and, while this process is the active writer, the log consumer and the anchorer (see
 * ADR 0012); every replica serves the proofs API. Readiness depends only on what serving needs (database, Kafka, the
 * active writer's consumer in its group); how Fabric and anchoring are doing is reported in the health details and
 * the metrics, so that a Fabric outage or a rejected head does not take the proofs API out of service.
 */
@Injectable()
export class LedgerWriterService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly ledger: FabricAnchorLedger;
  private readonly producer: EnvelopeProducer;
  private readonly election: WriterElection;
  private readonly counters = new LedgerCounters();
  private term?: ActiveWriter;

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
    const newTerm = () =>
      new ActiveWriter({
        kafka,
        groupId: config.KAFKA_TOPIC_PREFIX + LEDGER_GROUP,
        topics,
        repository,
        ledger: this.ledger,
        publisher: {
          publish: async (head) => {
            await this.producer.publish(topics.ledgerAnchors, [{ key: 'log', payload: head }]);
          },
        },
        policy: { maxLeaves: config.ANCHOR_MAX_LEAVES, maxDelayMs: config.ANCHOR_MAX_DELAY_MS },
        backoff: { initialMs: config.ANCHOR_RETRY_INITIAL_MS, maxMs: config.ANCHOR_RETRY_MAX_MS },
        consumerSessionTimeoutMs: config.LEDGER_CONSUMER_SESSION_TIMEOUT_MS,
        logger,
        onAppended: (appended) => this.counters.appended(appended),
        onAnchored: () => this.counters.anchored(),
      });
    this.election = new WriterElection(
      () => PgLockSession.open(config.DATABASE_URL, config.SERVICE_NAME, LOCK_SESSION_TIMEOUT_MS),
      async () => {
        const term = newTerm().start();
        this.term = term;
        return {
          stop: async () => {
            this.term = undefined;
            await term.stop();
          },
        };
      },
      { pollMs: config.WRITER_LOCK_POLL_MS },
      logger.child({ component: 'election' }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.repository.init();
    this.readiness.register(() => this.writerCheck());
    this.readiness.report(() => this.fabricCheck());
    this.readiness.report(() => this.anchoringCheck());
    this.observeAnchoringLag();
    this.election.start();
  }

  /**
   * The anchoring lag as OpenTelemetry gauges too (exported over OTLP and for Prometheus when the SDK is set to),
   * read from the database when collected, as GET /metrics reads them.
   */
  private observeAnchoringLag(): void {
    const meter = metrics.getMeter('pedigree');
    const waiting = meter.createObservableGauge('pedigree.ledger.unanchored_leaves', {
      description: 'leaves not yet under an anchored head',
      unit: '{leaf}',
    });
    const oldest = meter.createObservableGauge('pedigree.ledger.oldest_unanchored_age', {
      description: 'age of the oldest leaf not under an anchored head',
      unit: 's',
    });
    meter.addBatchObservableCallback(
      async (result) => {
        const backlog = await this.repository.backlog().catch(() => undefined);
        if (!backlog) return;
        result.observe(waiting, backlog.unanchoredLeaves);
        result.observe(oldest, backlog.oldestUnanchoredAgeSeconds);
      },
      [waiting, oldest],
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.election.stop();
    await this.producer.disconnect().catch(() => undefined);
    this.ledger.close();
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
      active: this.term !== undefined,
    });
  }

  private anchoringStateName(): AnchoringStateName {
    return this.term?.anchoringState.status ?? 'standby';
  }

  /** A standby serves proofs; the active writer is ready once its consumer is in its group. */
  private writerCheck() {
    const indicator = this.health.check('writer');
    if (this.election.role === 'starting')
      return indicator.down({ role: 'starting', message: 'the writer lock has not answered yet' });
    if (!this.term) return indicator.up({ role: 'standby' });
    return this.term.joined
      ? indicator.up({ role: 'active' })
      : indicator.down({ role: 'active', message: 'the log consumer is not in its group yet' });
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
    const state = this.term?.anchoringState;
    if (!state) return indicator.up({ role: 'standby', message: 'the active replica anchors' });
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
