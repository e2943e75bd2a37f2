import type { Kafka } from 'kafkajs';
import type { EpcisEventMessage, TopicContract, Topics } from '@pedigree/contracts';
import { BatchConsumer, HoldUntilWatermark, type ConsumedMessage } from '@pedigree/kafka';
import type { Logger } from '@pedigree/observability';
import { epcisLeaf, jsonLeaf, type LeafEntry } from './leaf';
import type { LogRepository, SourcedLeaf } from './log-repository';
import type { OffsetCommitter } from './ports';

/** The topics the log records and how a message on each becomes a leaf. */
export function loggedTopics(
  topics: Topics,
): Array<{ contract: TopicContract; leafOf: (payload: unknown) => LeafEntry }> {
  return [
    {
      contract: topics.epcisEvents,
      leafOf: (payload) => epcisLeaf(payload as EpcisEventMessage),
    },
    { contract: topics.coldchainExcursions, leafOf: (payload) => jsonLeaf('coldchain-excursion', payload) },
    { contract: topics.recallNotices, leafOf: (payload) => jsonLeaf('recall-notice', payload) },
  ];
}

/**
 * Batches of different partitions are appended concurrently: their appends still take the log_state lock one after
 * the other, but a batch is decoded and turned into leaves while the database writes another.
 */
const PARTITIONS_CONSUMED_CONCURRENTLY = 3;
/** Up to 4 MiB of a partition (≈ 6,000 events) per batch, so that a writer that fell behind catches up in big appends. */
const FETCH = { maxBytesPerPartition: 4 * 2 ** 20, maxBytes: 24 * 2 ** 20 };

/** A message that cannot become a leaf: retrying will not help, it goes to the dead-letter topic. */
class UnloggableMessage extends Error {
  override readonly name = 'UnloggableMessage';
}

export interface LogAppenderOptions {
  kafka: Kafka;
  groupId: string;
  topics: Topics;
  repository: LogRepository;
  /**
   * Called after each append, within the batch's trace, with the number of leaves it added (0 for a redelivered
   * batch) and the log size after it.
   */
  onAppended: (appended: number, size: number) => void;
  logger: Logger;
  sessionTimeoutMs?: number;
}

/**
 * Appends every message of the logged topics to the Merkle log, batch by batch (libs/kafka's BatchConsumer), and
 * holds their offsets back until the anchorer reports a head covering them on the ledger (HoldUntilWatermark on the
 * log size). After a crash Kafka redelivers from the last commit; messages already in the log append nothing, so the
 * log has no gap and no duplicate. A failed append is retried until it succeeds (the database is down, most likely);
 * only a message that cannot become a leaf is dead-lettered.
 */
export class LogAppender implements OffsetCommitter {
  private readonly consumer: BatchConsumer<TopicContract, number>;
  private readonly held = new HoldUntilWatermark();
  private readonly leafOf: ReadonlyMap<string, (payload: unknown) => LeafEntry>;

  constructor(private readonly options: LogAppenderOptions) {
    const logged = loggedTopics(options.topics);
    this.leafOf = new Map(logged.map((topic) => [topic.contract.name, topic.leafOf]));
    this.consumer = new BatchConsumer({
      kafka: options.kafka,
      groupId: options.groupId,
      topic: logged.map((topic) => topic.contract),
      logger: options.logger,
      commitPolicy: this.held,
      isTransient: (error) => !(error instanceof UnloggableMessage),
      sessionTimeoutMs: options.sessionTimeoutMs,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      fetch: FETCH,
      handler: (messages) => this.append(messages),
    });
  }

  get joined(): boolean {
    return this.consumer.joined;
  }

  async start(): Promise<void> {
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }

  async commitThrough(anchoredSize: number): Promise<void> {
    await this.consumer.commit(this.held.release(anchoredSize));
  }

  /** Appends the batch's leaves; resolves to the log size after it (what its offsets wait for). */
  private async append(messages: Array<ConsumedMessage<unknown>>): Promise<number> {
    const leaves: SourcedLeaf[] = messages.map((message) => ({
      ...this.leaf(message),
      sourceTopic: message.topic,
      sourcePartition: message.partition,
      sourceOffset: message.offset,
      messageId: message.envelope.messageId,
    }));
    const { appended, size } = await this.options.repository.append(leaves);
    this.options.onAppended(appended, size);
    return size;
  }

  private leaf(message: ConsumedMessage<unknown>): LeafEntry {
    try {
      return this.leafOf.get(message.topic)!(message.envelope.payload);
    } catch (error) {
      throw new UnloggableMessage(`message cannot become a leaf: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
