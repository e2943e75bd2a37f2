import './request-queue-fix';
import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@pedigree/observability';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go to our pino logger. */
export function createKafkaClient({ brokers, clientId, logger }: KafkaClientOptions): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    brokers,
    clientId,
    logLevel: KafkaLogLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        kafkaLogger[levels[level] ?? 'info'](rest, message);
      },
  });
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface EnsureTopicsOptions {
  /** Copies of each partition the cluster keeps (default 1, for a single broker); at most the number of brokers. */
  replicationFactor?: number;
}

/** A topic as the cluster has it after ensureTopics. */
export interface EnsuredTopic {
  name: string;
  /** Whether this call created it (false: it existed and was left as it is). */
  created: boolean;
  partitions: number;
  replicationFactor: number;
}

/** The cluster cannot hold the topics as asked (e.g. more replicas than brokers). */
export class TopicCreationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicCreationError';
  }
}

/**
 * Creates the topics that do not exist yet, with their partition counts and the replication factor; existing topics
 * are left as they are. Resolves with every topic as the cluster has it. A replication factor above the number of
 * brokers is refused before anything is created.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicSpec[],
  { replicationFactor = 1 }: EnsureTopicsOptions = {},
): Promise<EnsuredTopic[]> {
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1)
    throw new TopicCreationError(
      `the replication factor must be a positive integer (got ${replicationFactor})`,
    );
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      const { brokers } = await admin.describeCluster();
      if (replicationFactor > brokers.length) {
        throw new TopicCreationError(
          `cannot create ${missing.length} topics with replication factor ${replicationFactor}: the cluster has ` +
            `${brokers.length} broker${brokers.length === 1 ? '' : 's'} (each replica needs its own broker)`,
        );
      }
      await admin
        .createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor })),
        })
        .catch((error: unknown) => {
          throw new TopicCreationError(
            `the cluster refused to create the topics: ${describeKafkaError(error)}`,
          );
        });
    }
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
    const byName = new Map(metadata.map((m) => [m.name, m]));
    return topics.map((t) => {
      const partitions = byName.get(t.name)?.partitions ?? [];
      return {
        name: t.name,
        created: !existing.has(t.name),
        partitions: partitions.length,
        replicationFactor: partitions[0]?.replicas.length ?? 0,
      };
    });
  } finally {
    await admin.disconnect();
  }
}

/** A kafkajs error with the broker's reasons (createTopics rejects with an aggregate of one error per topic). */
function describeKafkaError(error: unknown): string {
  const { message, errors } = error as { message?: string; errors?: unknown };
  if (Array.isArray(errors) && errors.length > 0) {
    const reasons = new Set(errors.map((e) => (e as { message?: string }).message ?? String(e)));
    return [...reasons].join('; ');
  }
  return message ?? String(error);
}
