import { Partitioners, type Kafka, type Producer, type IHeaders } from 'kafkajs';
import { createEnvelope, type Envelope, type PayloadOf, type TopicContract } from '@pedigree/contracts';
import { inProducerSpan, withTraceHeaders } from './trace-context';

export interface OutgoingMessage<T extends TopicContract> {
  key: string;
  payload: PayloadOf<T>;
  headers?: IHeaders;
  occurredAt?: Date;
}

/**
 * Publishes typed, validated envelopes. Idempotent producer with acks=all: `publish` resolves only once every
 * in-sync replica has the messages, and a retried send cannot write a duplicate.
 */
export class EnvelopeProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(
    kafka: Kafka,
    private readonly producerName: string,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    await this.connected;
  }

  async publish<T extends TopicContract>(
    topic: T,
    messages: Array<OutgoingMessage<T>>,
  ): Promise<Array<Envelope<PayloadOf<T>>>> {
    const envelopes = messages.map((m) => createEnvelope(topic, this.producerName, m.payload, m.occurredAt));
    await this.connect();
    await inProducerSpan(topic.name, messages.length, () =>
      this.producer.send({
        topic: topic.name,
        acks: -1,
        messages: messages.map((m, i) => ({
          key: m.key,
          value: JSON.stringify(envelopes[i]),
          headers: withTraceHeaders(m.headers),
        })),
      }),
    );
    return envelopes;
  }

  /**
   * Publishes envelopes made earlier (e.g. stored in an outbox), unchanged: a message sent again after a crash carries
   * the same `messageId` as the first copy, so consumers can recognise it.
   */
  async publishEnvelopes(
    topicName: string,
    messages: Array<{ key: string; envelope: Envelope }>,
  ): Promise<void> {
    await this.connect();
    await inProducerSpan(topicName, messages.length, () =>
      this.producer.send({
        topic: topicName,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key,
          value: JSON.stringify(m.envelope),
          headers: withTraceHeaders(undefined),
        })),
      }),
    );
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }
}
