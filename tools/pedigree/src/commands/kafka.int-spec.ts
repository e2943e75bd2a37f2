import { execFile } from 'node:child_process';
import path from 'node:path';
import { allTopicSpecs } from '@pedigree/contracts';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers, REPO_ROOT, uniqueSuffix } from '@pedigree/testing';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function pedigree(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'tools/pedigree/bin/pedigree.js'), ...args],
      { env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function existingTopics(prefix: string): Promise<string[]> {
  const admin = createKafkaClient({
    brokers: kafkaBrokers(),
    clientId: 'cli-it',
    logger: createLogger('cli-it', 'silent'),
  }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((name) => name.startsWith(prefix)).sort();
  } finally {
    await admin.disconnect();
  }
}

describe('pedigree kafka ensure-topics on the real (single) broker', () => {
  it('creates every topic and dead-letter twin with replication factor 1, then finds them present', async () => {
    const prefix = `t${uniqueSuffix()}.`;
    const args = ['kafka', 'ensure-topics', '--brokers', kafkaBrokers().join(','), '--topic-prefix', prefix];
    const first = await pedigree([
      ...args,
      '--replication-factor',
      '1',
      '--partitions',
      'recall.notices.v1=2',
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `created  ${prefix}epcis.events.v1 (6 partitions, replication factor 1)\n`,
    );
    expect(first.stdout).toContain(
      `created  ${prefix}recall.notices.v1 (2 partitions, replication factor 1)\n`,
    );
    expect(first.stdout).toContain(
      `created  ${prefix}epcis.events.v1.dlq (1 partitions, replication factor 1)\n`,
    );
    await expect(existingTopics(prefix)).resolves.toEqual(
      allTopicSpecs(prefix)
        .map((t) => t.name)
        .sort(),
    );

    const again = await pedigree(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `exists   ${prefix}epcis.events.v1 (6 partitions, replication factor 1)\n`,
    );
    expect(again.stdout).toContain(
      `exists   ${prefix}recall.notices.v1 (2 partitions, replication factor 1) — asked 3 partitions, ` +
        'replication factor 1; left as it is\n',
    );
  });

  it('refuses a replication factor the cluster cannot hold with a clear error (exit 1), creating nothing', async () => {
    const prefix = `t${uniqueSuffix()}.`;
    const run = await pedigree([
      'kafka',
      'ensure-topics',
      '--brokers',
      kafkaBrokers().join(','),
      '--topic-prefix',
      prefix,
      '--replication-factor',
      '3',
    ]);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `pedigree kafka ensure-topics: cannot create ${allTopicSpecs('').length} topics with replication factor 3: ` +
        'the cluster has 1 broker ' +
        '(each replica needs its own broker)\n',
    });
    await expect(existingTopics(prefix)).resolves.toEqual([]);
  });
});
