import type { Command } from 'commander';
import { allTopicSpecs } from '@pedigree/contracts';
import { createKafkaClient, ensureTopics } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import type { CliIo } from '../io';

export function registerKafkaCommands(program: Command, io: CliIo): void {
  const kafka = program.command('kafka').description('Kafka helpers for the local stack');
  kafka
    .command('ensure-topics')
    .description(
      'Create the Pedigree topics and their .dlq twins with explicit partition counts (existing ones are kept)',
    )
    .option(
      '--brokers <list>',
      'comma-separated host:port list',
      process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
    )
    .action(async (options: { brokers: string }) => {
      const client = createKafkaClient({
        brokers: options.brokers.split(','),
        clientId: 'pedigree-cli',
        logger: createLogger('pedigree-cli', 'warn'),
      });
      const created = await ensureTopics(client, allTopicSpecs());
      for (const spec of allTopicSpecs()) {
        io.stdout(
          `${created.includes(spec.name) ? 'created ' : 'exists  '} ${spec.name} (${spec.partitions} partitions)\n`,
        );
      }
    });
}
