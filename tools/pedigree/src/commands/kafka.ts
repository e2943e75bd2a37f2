import { InvalidArgumentError, type Command } from 'commander';
import { allTopicSpecs, deadLetterTopicName } from '@pedigree/contracts';
import { createKafkaClient, ensureTopics, TopicCreationError, type TopicSpec } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { environment, ExitCode, type CliIo } from '../io';

/** Partition counts asked on the command line: one for every topic, and/or some per topic (by contract name). */
export interface PartitionOverrides {
  /** For every topic except the dead-letter twins, which keep their own count unless named. */
  all?: number;
  byTopic: Record<string, number>;
}

function positiveInteger(text: string, what: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new InvalidArgumentError(`${what} must be a positive integer`);
  return Number(text);
}

/**
 * Parses a `--partitions` value, merged into what earlier `--partitions` options gave: a comma-separated list of
 * `N` (every topic) and `TOPIC=N` entries, topics named as in libs/contracts without prefix (e.g. `epcis.events.v1`,
 * `epcis.events.v1.dlq`).
 */
export function parsePartitions(
  value: string,
  previous: PartitionOverrides = { byTopic: {} },
): PartitionOverrides {
  const known = new Set(allTopicSpecs().map((t) => t.name));
  const result: PartitionOverrides = { ...previous, byTopic: { ...previous.byTopic } };
  for (const entry of value.split(',').map((e) => e.trim())) {
    const [topic, count] = entry.includes('=') ? entry.split('=', 2) : [undefined, entry];
    if (topic === undefined) {
      result.all = positiveInteger(count!, 'a partition count');
    } else {
      if (!known.has(topic))
        throw new InvalidArgumentError(`unknown topic "${topic}" (known: ${[...known].join(', ')})`);
      result.byTopic[topic] = positiveInteger(count!, `the partition count of ${topic}`);
    }
  }
  return result;
}

export function parseReplicationFactor(value: string): number {
  return positiveInteger(value, 'the replication factor');
}

/** Every Pedigree topic and dead-letter twin under `prefix`, with the partition counts of libs/contracts or asked. */
export function topicSpecs(prefix: string, overrides: PartitionOverrides = { byTopic: {} }): TopicSpec[] {
  const deadLetters = new Set(allTopicSpecs().map((t) => deadLetterTopicName(t.name)));
  return allTopicSpecs().map((spec) => ({
    ...spec,
    name: prefix + spec.name,
    partitions:
      overrides.byTopic[spec.name] ??
      (deadLetters.has(spec.name) ? undefined : overrides.all) ??
      spec.partitions,
  }));
}

interface EnsureTopicsOptions {
  brokers: string;
  topicPrefix: string;
  partitions?: PartitionOverrides;
  replicationFactor?: number;
}

export function registerKafkaCommands(program: Command, io: CliIo): void {
  const env = environment(io);
  const kafka = program.command('kafka').description('Kafka topics of a Pedigree deployment');
  kafka
    .command('ensure-topics')
    .description(
      'Create the Pedigree topics and their .dlq twins that do not exist yet, with the partition counts of ' +
        'libs/contracts (or --partitions) and --replication-factor; existing topics are kept as they are',
    )
    .option('--brokers <list>', 'comma-separated host:port list', env.KAFKA_BROKERS ?? '127.0.0.1:19092')
    .option(
      '--topic-prefix <prefix>',
      "prefix of every topic name (the services' KAFKA_TOPIC_PREFIX)",
      env.KAFKA_TOPIC_PREFIX ?? '',
    )
    .option(
      '--partitions <list>',
      "partition counts instead of the contracts' defaults: N for every topic, TOPIC=N for one " +
        '(e.g. 12 or epcis.events.v1=12,recall.notices.v1.dlq=3); dead-letter twins keep 1 unless named',
      parsePartitions,
    )
    .option(
      '--replication-factor <n>',
      'copies of each partition, at most the number of brokers (default KAFKA_REPLICATION_FACTOR, else 1)',
      parseReplicationFactor,
    )
    .action(async (options: EnsureTopicsOptions) => {
      let replicationFactor = options.replicationFactor ?? 1;
      if (options.replicationFactor === undefined && env.KAFKA_REPLICATION_FACTOR) {
        try {
          replicationFactor = parseReplicationFactor(env.KAFKA_REPLICATION_FACTOR);
        } catch (error) {
          io.stderr(`pedigree kafka ensure-topics: KAFKA_REPLICATION_FACTOR: ${(error as Error).message}\n`);
          throw new ExitCode(2);
        }
      }
      const specs = topicSpecs(options.topicPrefix, options.partitions);
      const client = createKafkaClient({
        brokers: options.brokers.split(','),
        clientId: 'pedigree-cli',
        logger: createLogger('pedigree-cli', 'silent'),
      });
      try {
        const topics = await ensureTopics(client, specs, { replicationFactor });
        for (const [i, topic] of topics.entries()) {
          const asked = specs[i]!.partitions;
          const differs =
            topic.partitions !== asked || topic.replicationFactor !== replicationFactor
              ? ` — asked ${asked} partitions, replication factor ${replicationFactor}; left as it is`
              : '';
          io.stdout(
            `${topic.created ? 'created' : 'exists '}  ${topic.name} (${topic.partitions} partitions, ` +
              `replication factor ${topic.replicationFactor})${differs}\n`,
          );
        }
      } catch (error) {
        if (!(error instanceof TopicCreationError)) throw error;
        io.stderr(`pedigree kafka ensure-topics: ${error.message}\n`);
        throw new ExitCode(1);
      }
    });
}
