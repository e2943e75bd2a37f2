import { InvalidArgumentError } from 'commander';
import { allTopicSpecs } from '@pedigree/contracts';
import { runCli } from '../cli';
import type { CliIo } from '../io';
import { parsePartitions, parseReplicationFactor, topicSpecs } from './kafka';

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => '',
    env,
  };
  return { code: await runCli(argv, io), stdout, stderr };
}

describe('kafka ensure-topics options', () => {
  it('defaults to the partition counts of libs/contracts, dead-letter twins included', () => {
    expect(topicSpecs('')).toEqual(allTopicSpecs());
    expect(topicSpecs('staging.')).toEqual(allTopicSpecs('staging.'));
    expect(topicSpecs('')).toContainEqual({
      name: 'epcis.events.v1',
      partitions: 6,
      maxMessageBytes: 64 * 1024 * 1024,
    });
    expect(topicSpecs('')).toContainEqual({ name: 'epcis.events.v1.dlq', partitions: 1 });
  });

  it('takes one count for every topic, and per-topic counts that win over it; dead-letter twins keep theirs', () => {
    const overrides = parsePartitions('12,recall.notices.v1=2,ledger.anchors.v1.dlq=3');
    expect(overrides).toEqual({ all: 12, byTopic: { 'recall.notices.v1': 2, 'ledger.anchors.v1.dlq': 3 } });
    const specs = new Map(topicSpecs('p.', overrides).map((t) => [t.name, t.partitions]));
    expect(specs.get('p.epcis.events.v1')).toBe(12);
    expect(specs.get('p.ledger.anchors.v1')).toBe(12);
    expect(specs.get('p.recall.notices.v1')).toBe(2);
    expect(specs.get('p.epcis.events.v1.dlq')).toBe(1);
    expect(specs.get('p.ledger.anchors.v1.dlq')).toBe(3);
  });

  it('merges repeated --partitions options', () => {
    expect(parsePartitions('epcis.events.v1=24', parsePartitions('4'))).toEqual({
      all: 4,
      byTopic: { 'epcis.events.v1': 24 },
    });
  });

  it.each(['0', '-1', 'six', '1.5', 'epcis.events.v1=0', 'no.such.topic=3', ''])(
    'refuses the partition list "%s"',
    (value) => {
      expect(() => parsePartitions(value)).toThrow(InvalidArgumentError);
    },
  );

  it('takes a positive integer replication factor', () => {
    expect(parseReplicationFactor('3')).toBe(3);
    expect(() => parseReplicationFactor('0')).toThrow(/positive integer/);
    expect(() => parseReplicationFactor('two')).toThrow(/positive integer/);
  });

  it('answers bad options with a usage error (exit 2) before it connects to any broker', async () => {
    const unknown = await run([
      'kafka',
      'ensure-topics',
      '--brokers',
      '127.0.0.1:1',
      '--partitions',
      'x.v1=3',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown topic "x\.v1"/);
    const rf = await run(['kafka', 'ensure-topics', '--brokers', '127.0.0.1:1', '--replication-factor', '0']);
    expect(rf.code).toBe(2);
    expect(rf.stderr).toMatch(/the replication factor must be a positive integer/);
    const fromEnv = await run(['kafka', 'ensure-topics', '--brokers', '127.0.0.1:1'], {
      KAFKA_REPLICATION_FACTOR: 'many',
    });
    expect(fromEnv).toMatchObject({ code: 2, stdout: '' });
    expect(fromEnv.stderr).toMatch(
      /KAFKA_REPLICATION_FACTOR: the replication factor must be a positive integer/,
    );
  });
});
