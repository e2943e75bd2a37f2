import type { Kafka } from 'kafkajs';
import type { Topics } from '@pedigree/contracts';
import type { Logger } from '@pedigree/observability';
import { Anchorer, type AnchoringState, type Backoff } from './anchorer';
import type { HeadPolicy } from './head-policy';
import { LogAppender } from './log-appender';
import type { LogRepository } from './log-repository';
import { PendingTraces } from './pending-traces';
import type { AnchorLedger, AnchorPublisher, Head } from './ports';
import type { WriterTerm } from './writer-election';

const RETRY_START_MS = 5000;

export interface ActiveWriterOptions {
  kafka: Kafka;
  groupId: string;
  topics: Topics;
  repository: LogRepository;
  ledger: AnchorLedger;
  publisher: AnchorPublisher;
  policy: HeadPolicy;
  backoff: Backoff;
  consumerSessionTimeoutMs: number;
  logger: Logger;
  onAppended: (appended: number) => void;
  onAnchored: (head: Head) => void;
}

/**
 * A term of the active writer: the log appender (Kafka → Merkle log) and the anchorer (heads → Fabric, offsets
 * released once anchored), started together and stopped together when the process loses or gives up the writer lock.
 */
export class ActiveWriter implements WriterTerm {
  private readonly appender: LogAppender;
  private readonly anchorer: Anchorer;
  private readonly traces = new PendingTraces();
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(private readonly options: ActiveWriterOptions) {
    this.appender = new LogAppender({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: options.topics,
      repository: options.repository,
      logger: options.logger,
      sessionTimeoutMs: options.consumerSessionTimeoutMs,
      onAppended: (appended, size) => {
        options.onAppended(appended);
        if (appended > 0) this.traces.recordActive(size);
        this.anchorer.wake();
      },
    });
    this.anchorer = new Anchorer(
      options.repository,
      options.ledger,
      options.publisher,
      this.appender,
      options.policy,
      options.backoff,
      options.logger.child({ component: 'anchorer' }),
      undefined,
      options.onAnchored,
      this.traces,
    );
  }

  /** Starts the anchorer at once and the consumer in the background (retried while Kafka is unreachable). */
  start(): this {
    this.anchorer.start();
    void this.startConsumer();
    return this;
  }

  get joined(): boolean {
    return this.appender.joined;
  }

  get anchoringState(): AnchoringState {
    return this.anchorer.anchoringState;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.appender.stop().catch(() => undefined);
    await this.anchorer.stop();
  }

  private async startConsumer(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.appender.start();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'ledger consumer could not start; retrying');
      await this.appender.stop().catch(() => undefined);
      this.retry = setTimeout(() => void this.startConsumer(), RETRY_START_MS).unref();
    }
  }
}
