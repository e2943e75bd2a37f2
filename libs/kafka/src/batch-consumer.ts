import {
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type Kafka,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import {
  decodeEnvelope,
  deadLetterTopicName,
  type Envelope,
  type PayloadOf,
  type TopicContract,
} from '@pedigree/contracts';
import { pedigreeMetrics, type Logger } from '@pedigree/observability';
import { abortableDelay } from './abortable-delay';
import { commitWhenDurable, type CommitPolicy, type PartitionPosition } from './commit-policy';
import { traceMessageBatches } from './trace-context';

export interface ConsumedMessage<P> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders;
  envelope: Envelope<P>;
}

/**
 * Applies the effect of a batch; must be idempotent, because a batch is redelivered after a crash before its commit.
 * What it resolves to goes to the commit policy (e.g. the log size after appending, for HoldUntilWatermark).
 */
export type BatchHandler<P, R = void> = (messages: Array<ConsumedMessage<P>>) => Promise<R>;

/**
 * Runs a handler call within the trace context its messages carry in their Kafka headers. By default a CONSUMER span
 * continuing the trace of the batch's messages (traceMessageBatches); tests may pass their own.
 */
export type MessageContextHook = <X>(
  messages: ReadonlyArray<ConsumedMessage<unknown>>,
  work: () => Promise<X>,
) => Promise<X>;

export interface BatchConsumerOptions<T extends TopicContract, R = void> {
  kafka: Kafka;
  groupId: string;
  /** The topic, or the topics (one group, one handler; each message is decoded with its own topic's contract). */
  topic: T | readonly T[];
  handler: BatchHandler<PayloadOf<T>, R>;
  logger: Logger;
  /** When a batch's offsets are committed once its effect is durable; by default at once (commitWhenDurable). */
  commitPolicy?: CommitPolicy<R>;
  withMessageContext?: MessageContextHook;
  /** The group's session timeout (kafkajs default 30 s): how long a dead member keeps its partitions. */
  sessionTimeoutMs?: number;
  /** Attempts per batch, and again per message once a batch keeps failing, before a message goes to the DLQ. */
  maxAttempts?: number;
  /** First retry delay; doubled on each further attempt, up to `maxRetryBackoffMs`. */
  retryBackoffMs?: number;
  /** Longest delay between two attempts (under the group's session timeout: the consumer heartbeats between them). */
  maxRetryBackoffMs?: number;
  /**
   * Whether an error says nothing about the messages (the database is unreachable, a deadlock): such failures are
   * retried until they clear and never count towards `maxAttempts`, so an outage delays messages but never sends
   * them to the DLQ. By default every error counts.
   */
  isTransient?: (error: unknown) => boolean;
  partitionsConsumedConcurrently?: number;
  /**
   * How much one fetch brings (kafkajs defaults: 1 MiB per partition, 10 MiB in all): a partition's batch is at most
   * what one fetch brought of it, so bigger fetches make fewer, bigger handler calls when the consumer is behind.
   */
  fetch?: { maxBytesPerPartition?: number; maxBytes?: number };
}

export const DLQ_HEADERS = {
  error: 'x-dlq-error',
  sourceTopic: 'x-dlq-source-topic',
  sourcePartition: 'x-dlq-source-partition',
  sourceOffset: 'x-dlq-source-offset',
  attempts: 'x-dlq-attempts',
  consumerGroup: 'x-dlq-consumer-group',
  failedAt: 'x-dlq-failed-at',
} as const;

class ConsumerStopping extends Error {}

/**
 * Consumes one topic (or several) in batches. Offsets are committed only after the handler's effect is durable —
 * at once, or later when the commit policy holds them; a message the handler keeps failing on (or that does not match
 * the topic's contract) goes to the topic's `.dlq` twin with the error in its headers, and consumption carries on.
 * `stop()` lets the batch in hand finish (or abandons it uncommitted when it is only waiting to retry), so it is
 * redelivered rather than lost.
 */
export class BatchConsumer<T extends TopicContract, R = void> {
  private readonly consumer: Consumer;
  private readonly dlqProducer: Producer;
  private readonly maxAttempts: number;
  private readonly retryBackoffMs: number;
  private readonly maxRetryBackoffMs: number;
  private readonly isTransient: (error: unknown) => boolean;
  private readonly logger: Logger;
  private readonly contracts: ReadonlyMap<string, T>;
  private readonly commitPolicy: CommitPolicy<R>;
  private readonly withMessageContext: MessageContextHook;
  private stopping = false;
  private inGroup = false;
  private stopSignal = new AbortController();

  constructor(private readonly options: BatchConsumerOptions<T, R>) {
    const topics: readonly T[] = Array.isArray(options.topic) ? options.topic : [options.topic as T];
    this.contracts = new Map(topics.map((topic) => [topic.name, topic]));
    this.commitPolicy = options.commitPolicy ?? commitWhenDurable;
    this.withMessageContext = options.withMessageContext ?? traceMessageBatches(options.groupId);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
      ...options.fetch,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      // Partitions may have moved: what the policy held will be redelivered to their owner.
      this.commitPolicy.reset();
      this.inGroup = true;
    });
    this.consumer.on(this.consumer.events.STOP, () => (this.inGroup = false));
    this.consumer.on(this.consumer.events.CRASH, () => (this.inGroup = false));
    this.dlqProducer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBackoffMs = options.retryBackoffMs ?? 200;
    this.maxRetryBackoffMs = options.maxRetryBackoffMs ?? 10_000;
    this.isTransient = options.isTransient ?? (() => false);
    this.logger = options.logger.child({
      component: 'consumer',
      topic: [...this.contracts.keys()].join(','),
      groupId: options.groupId,
    });
  }

  /** Whether the consumer has joined its group (and so has its partitions): messages published now get consumed. */
  get joined(): boolean {
    return this.inGroup;
  }

  /** Starts consuming; may be called again after `stop()` (e.g. to retry a start that failed). */
  async start(): Promise<void> {
    this.stopping = false;
    if (this.stopSignal.signal.aborted) this.stopSignal = new AbortController();
    await this.dlqProducer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.contracts.keys()], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    this.logger.info('consumer started');
  }

  /** Commits positions a commit policy held (e.g. HoldUntilWatermark.release). */
  async commit(positions: readonly PartitionPosition[]): Promise<void> {
    if (positions.length > 0) await this.consumer.commitOffsets([...positions]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    await this.consumer.disconnect();
    await this.dlqProducer.disconnect();
    this.logger.info('consumer stopped');
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    try {
      await this.applyAndCommit(payload);
    } catch (error) {
      if (!(error instanceof ConsumerStopping)) throw error;
      this.logger.info('stopped while retrying; the batch in hand stays uncommitted and will be redelivered');
    }
  }

  private async applyAndCommit(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary } = payload;
    const contract = this.contracts.get(batch.topic);
    if (!contract) return;
    const valid: Array<ConsumedMessage<PayloadOf<T>>> = [];
    const originals = new Map(batch.messages.map((m) => [m.offset, m]));
    for (const message of batch.messages) {
      try {
        valid.push({
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          headers: message.headers ?? {},
          envelope: decodeEnvelope(contract, message.value),
        });
      } catch (error) {
        await this.deadLetter(batch.topic, batch.partition, message, error, 0);
      }
    }
    const stillMine = () => isRunning() && !isStale() && !this.stopping;
    let result: R | undefined;
    if (valid.length > 0) {
      const applied = await this.applyWithRetries(valid, heartbeat, stillMine);
      result = applied.result;
      for (const { message, error } of applied.failed) {
        await this.deadLetter(
          batch.topic,
          batch.partition,
          originals.get(message.offset)!,
          error,
          this.maxAttempts,
        );
      }
    }
    if (isStale()) return;
    resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    const position = { topic: batch.topic, partition: batch.partition, offset: next };
    if (this.commitPolicy.afterBatch(position, result) === 'hold') return;
    // The batch's own commit works while the consumer is stopping, so a graceful stop commits the batch in hand.
    await commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
    });
  }

  /**
   * Applies the batch; when it keeps failing, applies its messages one by one. Returns the messages that failed and
   * the result of the handler's last successful call.
   */
  private async applyWithRetries(
    messages: Array<ConsumedMessage<PayloadOf<T>>>,
    heartbeat: () => Promise<void>,
    stillMine: () => boolean,
  ): Promise<{
    failed: Array<{ message: ConsumedMessage<PayloadOf<T>>; error: unknown }>;
    result: R | undefined;
  }> {
    const whole = await this.attempt(messages, heartbeat, stillMine);
    if (whole.ok) return { failed: [], result: whole.result };
    if (messages.length === 1)
      return { failed: [{ message: messages[0]!, error: whole.error }], result: undefined };
    this.logger.warn(
      { err: whole.error, size: messages.length },
      'batch keeps failing; retrying message by message',
    );
    const failed: Array<{ message: ConsumedMessage<PayloadOf<T>>; error: unknown }> = [];
    let result: R | undefined;
    for (const message of messages) {
      const single = await this.attempt([message], heartbeat, stillMine);
      if (single.ok) result = single.result;
      else failed.push({ message, error: single.error });
    }
    return { failed, result };
  }

  /**
   * Runs the handler on `messages` (within their trace context) until it succeeds or has failed maxAttempts times on
   * errors that are not transient; resolves to its result, or to the last error.
   */
  private async attempt(
    messages: Array<ConsumedMessage<PayloadOf<T>>>,
    heartbeat: () => Promise<void>,
    stillMine: () => boolean,
  ): Promise<{ ok: true; result: R } | { ok: false; error: unknown }> {
    for (let attempt = 1, counted = 0; ; attempt++) {
      if (!stillMine()) throw new ConsumerStopping('consumer is stopping; the batch stays uncommitted');
      try {
        return {
          ok: true,
          result: await this.withMessageContext(messages, () => this.options.handler(messages)),
        };
      } catch (error) {
        const transient = this.isTransient(error);
        if (!transient) counted += 1;
        this.logger.warn(
          { err: error, attempt, transient },
          transient ? 'handler failed on a transient error; retrying until it clears' : 'handler failed',
        );
        if (counted >= this.maxAttempts) return { ok: false, error };
        const backoff = Math.min(
          this.retryBackoffMs * 2 ** Math.min(attempt - 1, 20),
          this.maxRetryBackoffMs,
        );
        await abortableDelay(backoff, this.stopSignal.signal);
        await heartbeat();
      }
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const record = deadLetterRecord({
      topic,
      partition,
      message,
      error,
      attempts,
      consumerGroup: this.options.groupId,
    });
    this.logger.error(
      {
        topic,
        offset: message.offset,
        partition,
        reason: record.messages[0]!.headers![DLQ_HEADERS.error],
        attempts,
      },
      'message sent to the dead-letter topic',
    );
    await this.dlqProducer.send({ ...record, acks: -1 });
    pedigreeMetrics().deadLettered.add(1, {
      'messaging.destination.name': topic,
      'messaging.consumer.group.name': this.options.groupId,
    });
  }
}

/** The record that puts a message a consumer could not process on its topic's `.dlq` twin, with the error in headers. */
export function deadLetterRecord(failure: {
  topic: string;
  partition: number;
  message: KafkaMessage;
  error: unknown;
  attempts: number;
  consumerGroup: string;
}): { topic: string; messages: Message[] } {
  const { topic, partition, message, error, attempts, consumerGroup } = failure;
  const reason = error instanceof Error ? error.message : String(error);
  return {
    topic: deadLetterTopicName(topic),
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...(message.headers ?? {}),
          [DLQ_HEADERS.error]: reason.slice(0, 4000),
          [DLQ_HEADERS.sourceTopic]: topic,
          [DLQ_HEADERS.sourcePartition]: String(partition),
          [DLQ_HEADERS.sourceOffset]: message.offset,
          [DLQ_HEADERS.attempts]: String(attempts),
          [DLQ_HEADERS.consumerGroup]: consumerGroup,
          [DLQ_HEADERS.failedAt]: new Date().toISOString(),
        },
      },
    ],
  };
}
