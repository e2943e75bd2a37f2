// The ledger holds one leaf per event hash (ADR 0016), checked end to end: documents captured through a serialization
// service process, logged and anchored by a ledger-writer process on the same topics, proved with `pedigree proof`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { documentEventHashes, errorDeclarationHash } from '@pedigree/epcis';
import { createKafkaClient } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers, uniqueSuffix } from '@pedigree/testing';
import { LedgerWriterUnderTest, runPedigree } from '../../services/ledger-writer/test/harness';
import {
  epcisDocument,
  eventually,
  SerializationUnderTest,
  story,
} from '../../services/serialization/test/harness';

interface Leaf {
  leaf_index: string;
  event_hash: string;
  kind: string;
}

describe('one leaf per event hash, from capture to the ledger', () => {
  const serialization = new SerializationUnderTest();
  const ledger = new LedgerWriterUnderTest({}, serialization.topicPrefix);
  const dir = mkdtempSync(path.join(tmpdir(), 'pedigree-leaf-'));
  const run = uniqueSuffix();
  const { commission, packing } = story([`L${run}-1`, `L${run}-2`], 61);
  const document = epcisDocument([commission, packing]);
  const [commissionHash, packingHash] = documentEventHashes(document) as [string, string];
  let manufacturer: string;
  let auditor: string;

  beforeAll(async () => {
    await serialization.start();
    await ledger.start();
    manufacturer = await serialization.token('manufacturer', ['manufacturer']);
    auditor = await ledger.token();
  });
  afterAll(async () => {
    await ledger.stop();
    await serialization.stop();
  });

  const leaves = async () =>
    (await ledger.db.query<Leaf>('SELECT leaf_index, event_hash, kind FROM log_leaves ORDER BY leaf_index'))
      .rows;
  const api = () => ['--api', ledger.service.baseUrl, '--token', auditor];

  /**
   * Waits until the ledger-writer has consumed every message on the event topic and committed its offset — which it
   * does only once the head holding the message's leaf (or its earlier leaf) is anchored.
   */
  async function everythingLogged(): Promise<void> {
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'test-ledger-offsets',
      logger: createLogger('t', 'silent'),
    });
    const admin = kafka.admin();
    await admin.connect();
    const topic = ledger.topics.epcisEvents.name;
    try {
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({
            groupId: `${ledger.topicPrefix}ledger-writer.log`,
            topics: [topic],
          });
          // A partition the group never committed on is at -1: behind only when it holds something.
          const at = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
          return ends.filter((end) => Math.max(at.get(end.partition) ?? 0, 0) < Number(end.high)).length;
        },
        (behind) => behind === 0,
        'every event message logged, anchored and committed',
        60000,
        250,
      );
    } finally {
      await admin.disconnect();
    }
  }

  it('the same document captured twice (a client retrying after a lost 202) is one leaf per event', async () => {
    for (let attempt = 0; attempt < 2; attempt++)
      expect((await serialization.capture(document, manufacturer)).status).toBe(202);
    await expect(serialization.publishedEventCount()).resolves.toBe(4);
    await everythingLogged();

    const logged = await leaves();
    expect(logged).toHaveLength(2);
    expect(logged.map((l) => l.event_hash).sort()).toEqual([commissionHash, packingHash].sort());
    expect(logged.map((l) => l.kind)).toEqual(['epcis-event', 'epcis-event']);
    await eventually(
      () => serialization.count('SELECT count(*) AS n FROM events'),
      (n) => n === 2,
      'one stored event each',
    );
  });

  it('an error declaration gets a leaf of its own, which `pedigree proof` verifies; sent again, no further leaf', async () => {
    const declaration = { declarationTime: '2026-03-05T09:00:00Z', reason: 'incorrect_data' };
    const declared = epcisDocument([{ ...commission, errorDeclaration: declaration }]);
    const declarationHash = errorDeclarationHash(commissionHash, declaration);
    for (let attempt = 0; attempt < 2; attempt++)
      expect((await serialization.capture(declared, manufacturer)).status).toBe(202);
    await everythingLogged();

    const logged = await leaves();
    expect(logged).toHaveLength(3);
    expect(logged[2]).toEqual({
      leaf_index: '2',
      event_hash: declarationHash,
      kind: 'epcis-error-declaration',
    });

    const proof = await ledger.get(`/proofs/${encodeURIComponent(declarationHash)}`, auditor);
    expect(proof.status).toBe(200);
    expect(await proof.json()).toMatchObject({
      eventHash: declarationHash,
      kind: 'epcis-error-declaration',
      leafIndex: 2,
      treeSize: 3,
    });
    const file = path.join(dir, 'declaration.jsonld');
    writeFileSync(file, JSON.stringify(declared));
    const verified = await runPedigree(['proof', 'verify', file, ...api()], ledger.chaincode);
    expect(verified).toMatchObject({ code: 0, stderr: '' });
    expect(verified.stdout).toMatch(
      new RegExp(
        `^VERIFIED ${escape(declarationHash)}\n  the error declaration of event ${escape(commissionHash)}\n  leaf 2 of the log's first 3 leaves`,
      ),
    );
    // The event itself keeps its own leaf and proof.
    const original = path.join(dir, 'commissioning.jsonld');
    writeFileSync(original, JSON.stringify(epcisDocument([commission])));
    const event = await runPedigree(['proof', 'verify', original, ...api()], ledger.chaincode);
    expect(event).toMatchObject({ code: 0 });
    expect(event.stdout).toContain(`VERIFIED ${commissionHash}\n`);
    // An export names the declaration by the same hash, from the file or the hash.
    const bundle = path.join(dir, 'declaration-proof.json');
    await expect(
      runPedigree(['proof', 'export', file, '--out', bundle, ...api()], ledger.chaincode),
    ).resolves.toMatchObject({ code: 0 });
    const offline = await runPedigree(
      ['proof', 'verify', declarationHash, '--bundle', bundle],
      ledger.chaincode,
    );
    expect(offline).toMatchObject({ code: 0 });
  });

  it('Kafka delivering every message again to a restarted writer appends no leaf', async () => {
    const before = await leaves();
    await ledger.service.stop();
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'test-ledger-rewind',
      logger: createLogger('t', 'silent'),
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.resetOffsets({
        groupId: `${ledger.topicPrefix}ledger-writer.log`,
        topic: ledger.topics.epcisEvents.name,
        earliest: true,
      });
    } finally {
      await admin.disconnect();
    }
    await ledger.start();
    // Something new, so that the restarted writer has a head to anchor and offsets to commit past the old messages.
    const { shipping } = story([`L${run}-1`], 61);
    expect((await serialization.capture(epcisDocument([shipping]), manufacturer)).status).toBe(202);
    await everythingLogged();

    const after = await leaves();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)!.event_hash).toBe(documentEventHashes(epcisDocument([shipping]))[0]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
