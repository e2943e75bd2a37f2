import './request-queue-fix';
import { Kafka, KafkaJSProtocolError, logLevel as KafkaLogLevel, type Admin, type LogEntry } from 'kafkajs';
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
  /** The topic's `max.message.bytes` when it must differ from the broker's default. */
  maxMessageBytes?: number;
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
          // kafkajs waits for leaders by default and gives up on UNKNOWN_TOPIC_OR_PARTITION: waitForTopicLeaders does.
          waitForLeaders: false,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor,
            ...(t.maxMessageBytes
              ? { configEntries: [{ name: 'max.message.bytes', value: String(t.maxMessageBytes) }] }
              : {}),
          })),
        })
        .catch((error: unknown) => {
          throw new TopicCreationError(
            `the cluster refused to create the topics: ${describeKafkaError(error)}`,
          );
        });
      await waitForTopicLeaders(
        admin,
        missing.map((t) => t.name),
      );
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

/** Metadata errors that mean "not there yet" right after a topic was created, while the broker propagates it. */
const NOT_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Waits until every partition of `topics` has a leader. kafkajs's own `waitForLeaders` retries only
 * LEADER_NOT_AVAILABLE, and a busy KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION for a topic it created a moment
 * ago: that error came out of `createTopics` itself (seen under load in the test stack).
 */
export async function waitForTopicLeaders(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: string[],
  { timeoutMs = 30_000, pollMs = 100 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let waitingFor: string;
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter(
        (topic) => topic.partitions.length === 0 || topic.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) return;
      waitingFor = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (error) {
      if (!(error instanceof KafkaJSProtocolError) || !NOT_YET.has(error.type)) throw error;
      waitingFor = `${error.type} for ${topics.join(', ')}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`topics created but not ready after ${timeoutMs} ms: ${waitingFor}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
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
