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

/** Creates the topics that do not exist yet, with their partition counts; existing topics are left as they are. */
export async function ensureTopics(
  kafka: Kafka,
  topics: Array<{ name: string; partitions: number }>,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })),
      });
      await waitForTopicLeaders(
        admin,
        missing.map((t) => t.name),
      );
    }
    return missing.map((t) => t.name);
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
