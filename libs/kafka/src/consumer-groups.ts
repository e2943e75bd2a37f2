import type { Kafka } from 'kafkajs';
import type { PayloadOf, TopicContract } from '@pedigree/contracts';
import type { Logger } from '@pedigree/observability';
import { BatchConsumer, type BatchHandler } from './batch-consumer';

export interface ConsumerGroupsOptions {
  kafka: Kafka;
  /** Prefixed to every group id, like the topics' names (KAFKA_TOPIC_PREFIX). */
  groupPrefix: string;
  logger: Logger;
  /** Errors that say nothing about the messages (BatchConsumerOptions.isTransient), for every consumer. */
  isTransient?: (error: unknown) => boolean;
  /** How long to wait before trying again to start a consumer that could not start (Kafka unreachable). */
  retryStartMs?: number;
}

/**
 * The consumer groups of one service (or thread): each `consume` starts a BatchConsumer in the background and retries
 * its start until Kafka lets it join; `membership` tells readiness how many of those asked for are in their groups;
 * `stop` lets each finish (or abandon uncommitted) the batch in hand and leave.
 */
export class ConsumerGroups {
  private readonly consumers: Array<Pick<BatchConsumer<TopicContract>, 'joined' | 'stop'>> = [];
  private wanted = 0;
  private stopped = false;

  constructor(private readonly options: ConsumerGroupsOptions) {}

  consume<T extends TopicContract>(
    topic: T,
    groupId: string,
    handler: BatchHandler<PayloadOf<T>>,
    partitionsConsumedConcurrently = 1,
  ): void {
    this.wanted += 1;
    const start = async (): Promise<void> => {
      if (this.stopped) return;
      const consumer = new BatchConsumer({
        kafka: this.options.kafka,
        groupId: this.options.groupPrefix + groupId,
        topic,
        handler,
        logger: this.options.logger,
        partitionsConsumedConcurrently,
        ...(this.options.isTransient ? { isTransient: this.options.isTransient } : {}),
      });
      try {
        await consumer.start();
        this.consumers.push(consumer);
        if (this.stopped) await consumer.stop();
      } catch (error) {
        this.options.logger.warn({ err: error, topic: topic.name }, 'consumer could not start; retrying');
        await consumer.stop().catch(() => undefined);
        setTimeout(() => void start(), this.options.retryStartMs ?? 5000).unref();
      }
    };
    void start();
  }

  /** Consumers in their groups, of those asked for: messages published once all have joined get consumed. */
  get membership(): { joined: number; wanted: number } {
    return { joined: this.consumers.filter((c) => c.joined).length, wanted: this.wanted };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
