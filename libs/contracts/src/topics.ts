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
}

function topic<S extends z.ZodType>(
  name: string,
  partitions: number,
  messageType: string,
  payload: S,
): TopicContract<S> {
  return { name, partitions, messageType, payload };
}

/** The versioned topics that connect the services: the only coupling between them. */
export const TOPICS = {
  epcisEvents: topic('epcis.events.v1', 6, 'epcis.event.captured', epcisEventMessageSchema),
  coldchainReadings: topic('coldchain.readings.v1', 6, 'coldchain.readings.received', readingBatchSchema),
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

/** All topics with their partition counts, dead-letter twins included, as the stack creates them. */
export function allTopicSpecs(prefix = ''): Array<{ name: string; partitions: number }> {
  return Object.values(topicsWithPrefix(prefix)).flatMap((t) => [
    { name: t.name, partitions: t.partitions },
    { name: deadLetterTopicName(t.name), partitions: DEAD_LETTER_PARTITIONS },
  ]);
}
