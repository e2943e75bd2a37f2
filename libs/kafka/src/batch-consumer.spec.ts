import { getEventListeners } from 'node:events';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { createEnvelope, type TopicContract } from '@pedigree/contracts';
import { createLogger } from '@pedigree/observability';
import { BatchConsumer, type ConsumedMessage } from './batch-consumer';
import { HoldUntilWatermark } from './commit-policy';

const logger = createLogger('batch-consumer-spec', 'silent');
const payload = z.object({ n: z.number().int() });
const numbers: TopicContract<typeof payload> = { name: 'numbers', partitions: 1, messageType: 'n', payload };
const letters: TopicContract<typeof payload> = { name: 'letters', partitions: 1, messageType: 'l', payload };

/** Just enough of a kafkajs client to drive BatchConsumer's batch loop by hand. */
class FakeKafka {
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  readonly commits: unknown[] = [];
  readonly batchCommits: unknown[] = [];
  readonly deadLetters: unknown[] = [];
  private readonly listeners = new Map<string, () => void>();

  asKafka(): Kafka {
    const consumer = {
      events: { GROUP_JOIN: 'join', STOP: 'stop', CRASH: 'crash' },
      on: (event: string, listener: () => void) => this.listeners.set(event, listener),
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async ({ eachBatch }: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
        this.eachBatch = eachBatch;
      },
      commitOffsets: async (offsets: unknown) => void this.commits.push(offsets),
      disconnect: async () => undefined,
    };
    const producer = {
      connect: async () => undefined,
      send: async (record: unknown) => void this.deadLetters.push(record),
      disconnect: async () => undefined,
    };
    return { consumer: () => consumer, producer: () => producer } as unknown as Kafka;
  }

  joinGroup(): void {
    this.listeners.get('join')?.();
  }

  /** Delivers one batch of the topic's messages (n values) at consecutive offsets from `firstOffset`. */
  deliver(topic: TopicContract<typeof payload>, firstOffset: number, values: number[]): Promise<void> {
    const messages: KafkaMessage[] = values.map((n, i) => ({
      key: null,
      value: Buffer.from(JSON.stringify(createEnvelope(topic, 'spec', { n }))),
      offset: String(firstOffset + i),
      timestamp: '0',
      attributes: 0,
      headers: { traceparent: `00-trace-${n}-01` },
    }));
    return this.eachBatch!({
      batch: {
        topic: topic.name,
        partition: 0,
        messages,
        lastOffset: () => String(firstOffset + values.length - 1),
      },
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
      commitOffsetsIfNecessary: async (offsets: unknown) => void this.batchCommits.push(offsets),
    } as unknown as EachBatchPayload);
  }
}

describe('BatchConsumer', () => {
  it('commits each batch once its effect is durable, by default', async () => {
    const fake = new FakeKafka();
    const seen: number[] = [];
    const consumer = new BatchConsumer({
      kafka: fake.asKafka(),
      groupId: 'g',
      topic: numbers,
      logger,
      handler: async (messages) => void seen.push(...messages.map((m) => m.envelope.payload.n)),
    });
    await consumer.start();
    await fake.deliver(numbers, 10, [1, 2]);
    expect(seen).toEqual([1, 2]);
    expect(fake.batchCommits).toEqual([
      { topics: [{ topic: 'numbers', partitions: [{ partition: 0, offset: '12' }] }] },
    ]);
  });

  it('holds offsets under HoldUntilWatermark until the watermark reaches what the handler returned', async () => {
    const fake = new FakeKafka();
    const policy = new HoldUntilWatermark();
    let size = 0;
    const consumer = new BatchConsumer({
      kafka: fake.asKafka(),
      groupId: 'g',
      topic: [numbers, letters],
      logger,
      commitPolicy: policy,
      handler: async (messages: Array<ConsumedMessage<{ n: number }>>) => (size += messages.length),
    });
    await consumer.start();
    await fake.deliver(numbers, 0, [1, 2, 3]);
    await fake.deliver(letters, 5, [4]);
    expect(fake.batchCommits).toEqual([]);
    expect(policy.pending).toBe(2);

    await consumer.commit(policy.release(3));
    expect(fake.commits).toEqual([[{ topic: 'numbers', partition: 0, offset: '3' }]]);
    await consumer.commit(policy.release(4));
    expect(fake.commits[1]).toEqual([{ topic: 'letters', partition: 0, offset: '6' }]);

    // A rebalance forgets what was held: those messages will be redelivered.
    await fake.deliver(numbers, 3, [5]);
    fake.joinGroup();
    expect(policy.pending).toBe(0);
  });

  it('runs each handler call within the context of its messages’ headers', async () => {
    const fake = new FakeKafka();
    const contexts: string[][] = [];
    let inside = false;
    const consumer = new BatchConsumer({
      kafka: fake.asKafka(),
      groupId: 'g',
      topic: numbers,
      logger,
      withMessageContext: async (messages, work) => {
        contexts.push(messages.map((m) => String(m.headers.traceparent)));
        inside = true;
        try {
          return await work();
        } finally {
          inside = false;
        }
      },
      handler: async () => expect(inside).toBe(true),
    });
    await consumer.start();
    await fake.deliver(numbers, 0, [7, 8]);
    expect(contexts).toEqual([['00-trace-7-01', '00-trace-8-01']]);
  });

  it('leaves no abort listener behind while retrying through a long outage (300 retries)', async () => {
    const fake = new FakeKafka();
    let failures = 0;
    let listenersSeen = 0;
    const consumer = new BatchConsumer({
      kafka: fake.asKafka(),
      groupId: 'g',
      topic: numbers,
      logger,
      retryBackoffMs: 1,
      maxRetryBackoffMs: 1,
      isTransient: () => true,
      handler: async () => {
        listenersSeen = Math.max(
          listenersSeen,
          getEventListeners(consumer['stopSignal'].signal, 'abort').length,
        );
        if (failures++ < 300) throw new Error('database unreachable');
      },
    });
    await consumer.start();
    await fake.deliver(numbers, 0, [1]);
    expect(failures).toBe(301);
    expect(listenersSeen).toBe(0);
    expect(getEventListeners(consumer['stopSignal'].signal, 'abort')).toHaveLength(0);
    expect(fake.batchCommits).toHaveLength(1);
    expect(fake.deadLetters).toEqual([]);
  });

  it('consumes again when started after a stop (a failed start being retried)', async () => {
    const fake = new FakeKafka();
    const seen: number[] = [];
    const consumer = new BatchConsumer({
      kafka: fake.asKafka(),
      groupId: 'g',
      topic: numbers,
      logger,
      handler: async (messages) => void seen.push(...messages.map((m) => m.envelope.payload.n)),
    });
    await consumer.start();
    await consumer.stop();
    await consumer.start();
    await fake.deliver(numbers, 0, [3]);
    expect(seen).toEqual([3]);
    expect(fake.batchCommits).toHaveLength(1);
  });
});
