import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PayloadOf, TopicContract } from './topics';

export const ENVELOPE_VERSION = 1;

/** The envelope every Kafka message value carries: identity, provenance and the topic's typed payload. */
export interface Envelope<P = unknown> {
  messageId: string;
  type: string;
  envelopeVersion: typeof ENVELOPE_VERSION;
  occurredAt: string;
  producer: string;
  payload: P;
}

const envelopeShape = z.object({
  messageId: z.uuid(),
  type: z.string().min(1),
  envelopeVersion: z.literal(ENVELOPE_VERSION),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1),
  payload: z.unknown(),
});

export class EnvelopeValidationError extends Error {
  constructor(
    readonly topic: string,
    readonly issues: string[],
  ) {
    super(`invalid message for ${topic}: ${issues.join('; ')}`);
    this.name = 'EnvelopeValidationError';
  }
}

function describeIssues(error: z.ZodError, prefix: string): string[] {
  return error.issues.map(
    (i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`,
  );
}

export function createEnvelope<T extends TopicContract>(
  topic: T,
  producer: string,
  payload: PayloadOf<T>,
  occurredAt: Date = new Date(),
): Envelope<PayloadOf<T>> {
  const parsed = topic.payload.safeParse(payload);
  if (!parsed.success) throw new EnvelopeValidationError(topic.name, describeIssues(parsed.error, 'payload'));
  return {
    messageId: randomUUID(),
    type: topic.messageType,
    envelopeVersion: ENVELOPE_VERSION,
    occurredAt: occurredAt.toISOString(),
    producer,
    payload: parsed.data as PayloadOf<T>,
  };
}

/** Decodes and validates a raw message value read from `topic`; throws EnvelopeValidationError when it does not conform. */
export function decodeEnvelope<T extends TopicContract>(
  topic: T,
  value: Buffer | string | null,
): Envelope<PayloadOf<T>> {
  if (value === null) throw new EnvelopeValidationError(topic.name, ['message has no value (tombstone)']);
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch (e) {
    throw new EnvelopeValidationError(topic.name, [`value is not JSON: ${(e as Error).message}`]);
  }
  const envelope = envelopeShape.safeParse(json);
  if (!envelope.success) throw new EnvelopeValidationError(topic.name, describeIssues(envelope.error, ''));
  if (envelope.data.type !== topic.messageType) {
    throw new EnvelopeValidationError(topic.name, [
      `type: expected "${topic.messageType}", got "${envelope.data.type}"`,
    ]);
  }
  const payload = topic.payload.safeParse(envelope.data.payload);
  if (!payload.success)
    throw new EnvelopeValidationError(topic.name, describeIssues(payload.error, 'payload'));
  return { ...envelope.data, envelopeVersion: ENVELOPE_VERSION, payload: payload.data as PayloadOf<T> };
}
