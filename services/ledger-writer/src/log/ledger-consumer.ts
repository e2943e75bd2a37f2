import {
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import { decodeEnvelope, type TopicContract, type Topics } from '@pedigree/contracts';
import { deadLetterRecord, DLQ_HEADERS } from '@pedigree/kafka';
import type { Logger } from '@pedigree/observability';
import { epcisLeaf, jsonLeaf, type LeafEntry } from './leaf';
import type { LogRepository, SourcedLeaf } from './log-repository';
import { OffsetTracker } from './offset-tracker';
import type { OffsetCommitter } from './ports';

const APPEND_RETRY_MS = 1000;

/** The topics the log records and how a message on each becomes a leaf. */
export function loggedTopics(
  topics: Topics,
): Array<{ contract: TopicContract; leafOf: (payload: unknown) => LeafEntry }> {
  return [
    {
      contract: topics.epcisEvents,
      leafOf: (payload) => epcisLeaf((payload as { eventHash: string }).eventHash),
    },
    { contract: topics.coldchainExcursions, leafOf: (payload) => jsonLeaf('coldchain-excursion', payload) },
    { contract: topics.recallNotices, leafOf: (payload) => jsonLeaf('recall-notice', payload) },
  ];
}

/**
 * Appends every message of the logged topics to the Merkle log, batch by batch, and holds their offsets back until
 * the anchorer reports a head covering them on the ledger (then commits them). After a crash Kafka redelivers from
 * the last commit; messages already in the log append nothing, so the log has no gap and no duplicate.
 */
export class LedgerConsumer implements OffsetCommitter {
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private readonly tracker = new OffsetTracker();
  private readonly byTopic: Map<string, ReturnType<typeof loggedTopics>[number]>;
  private stopping = false;
  private inGroup = false;

  constructor(
    kafka: Kafka,
    private readonly groupId: string,
    topics: Topics,
    private readonly repository: LogRepository,
    private readonly onAppended: (appended: number) => void,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    this.deadLetters = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.byTopic = new Map(loggedTopics(topics).map((t) => [t.contract.name, t]));
    // A rebalance may move partitions away; their uncommitted messages are redelivered to the new owner.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.tracker.clear();
      this.inGroup = true;
    });
    this.consumer.on(this.consumer.events.STOP, () => (this.inGroup = false));
    this.consumer.on(this.consumer.events.CRASH, () => (this.inGroup = false));
  }

  /** Whether the consumer has joined its group (and so has its partitions). */
  get joined(): boolean {
    return this.inGroup;
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.deadLetters.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.byTopic.keys()], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.appendBatch(payload),
    });
    this.logger.info({ topics: [...this.byTopic.keys()] }, 'ledger consumer started');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  async commitThrough(anchoredSize: number): Promise<void> {
    const offsets = this.tracker.release(anchoredSize);
    if (offsets.length > 0) await this.consumer.commitOffsets(offsets);
  }

  private async appendBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const topic = this.byTopic.get(batch.topic);
    if (!topic || batch.messages.length === 0) return;
    const leaves: SourcedLeaf[] = [];
    for (const message of batch.messages) {
      try {
        const envelope = decodeEnvelope(topic.contract, message.value);
        leaves.push({
          ...topic.leafOf(envelope.payload),
          sourceTopic: batch.topic,
          sourcePartition: batch.partition,
          sourceOffset: message.offset,
          messageId: envelope.messageId,
        });
      } catch (error) {
        await this.deadLetter(batch.topic, batch.partition, message, error);
      }
    }
    for (;;) {
      if (!isRunning() || isStale() || this.stopping) return;
      try {
        const { appended, size } = await this.repository.append(leaves);
        resolveOffset(batch.lastOffset());
        this.tracker.record(batch.topic, batch.partition, (BigInt(batch.lastOffset()) + 1n).toString(), size);
        this.onAppended(appended);
        await heartbeat();
        return;
      } catch (error) {
        this.logger.warn(
          { err: error, topic: batch.topic, partition: batch.partition },
          'could not append a batch; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, APPEND_RETRY_MS));
        await heartbeat().catch(() => undefined);
      }
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
  ): Promise<void> {
    const record = deadLetterRecord({
      topic,
      partition,
      message,
      error,
      attempts: 0,
      consumerGroup: this.groupId,
    });
    this.logger.error(
      { topic, partition, offset: message.offset, reason: record.messages[0]!.headers![DLQ_HEADERS.error] },
      'message cannot be logged; sent to the dead-letter topic',
    );
    await this.deadLetters.send({ ...record, acks: -1 });
  }
}
