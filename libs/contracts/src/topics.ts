import type { z } from 'zod';
import { anchorNoticeSchema } from './messages/ledger-anchors';
import { excursionSchema } from './messages/coldchain-excursions';
import { readingBatchSchema } from './messages/coldchain-readings';
import { epcisEventMessageSchema } from './messages/epcis-events';
import { recallNoticeSchema } from './messages/recall-notices';

/** A Kafka topic and the schema of the payload every message on it carries (inside the envelope). */
export interface TopicContract<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly partitions: number;
  /** The message `type` written into every envelope on this topic. */
  readonly messageType: string;
  readonly payload: S;
  /** The topic's `max.message.bytes`, where its record batches may be larger than the broker's default (≈ 1 MB). */
  readonly maxMessageBytes?: number;
}

function topic<S extends z.ZodType>(
  name: string,
  partitions: number,
  messageType: string,
  payload: S,
  maxMessageBytes?: number,
): TopicContract<S> {
  return { name, partitions, messageType, payload, ...(maxMessageBytes ? { maxMessageBytes } : {}) };
}

/**
 * A capture document's events are published together, keyed by the capture, so they form one record batch on one
 * partition (that keeps a capture all-or-nothing without Kafka transactions). Capture takes documents of up to 20 MiB;
 * with the envelope around each event their batch is larger: the events topic accepts batches of up to 64 MiB.
 */
export const EPCIS_EVENTS_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The versioned topics that connect the services: the only coupling between them. */
export const TOPICS = {
  epcisEvents: topic(
    'epcis.events.v1',
    6,
    'epcis.event.captured',
    epcisEventMessageSchema,
    EPCIS_EVENTS_MAX_MESSAGE_BYTES,
  ),
  coldchainReadings: topic('coldchain.readings.v1', 6, 'coldchain.readings.received', readingBatchSchema),
  /**
   * Small readings batches (a logger reporting as it goes, at most READINGS_PRIORITY_MAX_PER_REQUEST readings a request),
   * kept out of the bulk uploads' backlog on coldchain.readings.v1 so that an excursion is found in seconds.
   */
  coldchainReadingsPriority: topic(
    'coldchain.readings.priority.v1',
    3,
    'coldchain.readings.received',
    readingBatchSchema,
  ),
  coldchainExcursions: topic('coldchain.excursions.v1', 3, 'coldchain.excursion.detected', excursionSchema),
  recallNotices: topic('recall.notices.v1', 3, 'recall.notice.issued', recallNoticeSchema),
  ledgerAnchors: topic('ledger.anchors.v1', 1, 'ledger.head.anchored', anchorNoticeSchema),
} as const;

export type TopicKey = keyof typeof TOPICS;
export type Topics = typeof TOPICS;

/**
 * The topics under a name prefix (e.g. `staging.` or a test run's own namespace), so that several deployments or test
 * runs can share one Kafka cluster without seeing each other's messages. The empty prefix gives TOPICS itself.
 */
export function topicsWithPrefix(prefix: string): Topics {
  if (prefix === '') return TOPICS;
  const prefixed = <S extends z.ZodType>(contract: TopicContract<S>): TopicContract<S> => ({
    ...contract,
    name: prefix + contract.name,
  });
  return {
    epcisEvents: prefixed(TOPICS.epcisEvents),
    coldchainReadings: prefixed(TOPICS.coldchainReadings),
    coldchainReadingsPriority: prefixed(TOPICS.coldchainReadingsPriority),
    coldchainExcursions: prefixed(TOPICS.coldchainExcursions),
    recallNotices: prefixed(TOPICS.recallNotices),
    ledgerAnchors: prefixed(TOPICS.ledgerAnchors),
  };
}
export type PayloadOf<T extends TopicContract> = z.infer<T['payload']>;

/** Every topic has a dead-letter twin that receives messages a consumer could not process. */
export function deadLetterTopicName(topicName: string): string {
  return `${topicName}.dlq`;
}

export const DEAD_LETTER_PARTITIONS = 1;

/** All topics with their partition counts (and message size, where set), dead-letter twins included, as the stack creates them. */
export function allTopicSpecs(
  prefix = '',
): Array<{ name: string; partitions: number; maxMessageBytes?: number }> {
  return Object.values(topicsWithPrefix(prefix)).flatMap((t: TopicContract) => [
    {
      name: t.name,
      partitions: t.partitions,
      ...(t.maxMessageBytes ? { maxMessageBytes: t.maxMessageBytes } : {}),
    },
    { name: deadLetterTopicName(t.name), partitions: DEAD_LETTER_PARTITIONS },
  ]);
}
