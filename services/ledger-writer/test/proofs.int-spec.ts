import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventHash } from '@pedigree/epcis';
import { canonicalJson, hashLeaf } from '@pedigree/merkle';
import { commissioning, eventually, LedgerWriterUnderTest, runPedigree } from './harness';

// Events captured (published on epcis.events.v1 as the serialization service does) → leaves of the Merkle log →
// heads anchored on a real Fabric network → proofs a regulator verifies with `pedigree proof`, reading the ledger
// with the regulator organisation's own identity.

describe('ledger-writer proofs, verified by the CLI against the Fabric ledger', () => {
  const sut = new LedgerWriterUnderTest();
  const dir = mkdtempSync(path.join(tmpdir(), 'pedigree-proofs-'));
  let token: string;
  const run = Date.now().toString(36);
  const events = Array.from({ length: 7 }, (_, i) => commissioning(`P${run}-${i}`));

  beforeAll(async () => {
    await sut.start();
    token = await sut.token();
    await sut.publishEvents(events.map((e) => e.event));
    await eventually(newestHeadSize, (size) => size === 7, 'all 7 events anchored');
  });
  afterAll(() => sut.stop());

  const api = () => ['--api', sut.service.baseUrl, '--token', token];
  const newestHeadSize = async () => {
    const { heads } = (await (await sut.get('/heads?limit=1', token)).json()) as {
      heads: Array<{ treeSize: number }>;
    };
    return heads[0]?.treeSize ?? 0;
  };
  /** Events reach the log in partition order, not publication order: where did this one land? */
  const leafIndexOf = (hash: string) =>
    sut.count('SELECT leaf_index AS n FROM log_leaves WHERE event_hash = $1', [hash]);

  it('answers a proof: leaf index, tree size, root, audit path and the Fabric anchor', async () => {
    const response = await sut.get(`/proofs/${encodeURIComponent(events[2]!.hash)}`, token);
    expect(response.status).toBe(200);
    const proof = (await response.json()) as Record<string, unknown>;
    const entry = /;([0-9a-f]{64})\?/.exec(events[2]!.hash)![1]!;
    expect(proof).toMatchObject({
      eventHash: events[2]!.hash,
      kind: 'epcis-event',
      entry,
      leafHash: hashLeaf(entry),
      leafIndex: await leafIndexOf(events[2]!.hash),
      treeSize: 7,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      anchor: {
        channel: 'pedigree',
        chaincode: sut.chaincode,
        transactionId: expect.stringMatching(/^[0-9a-f]{64}$/),
        blockNumber: expect.any(Number),
        anchoredAt: expect.any(String),
      },
    });
    expect((proof.auditPath as string[]).length).toBe(proof.leafIndex === 6 ? 2 : 3);
    await expect(sut.count('SELECT count(*) AS n FROM log_leaves')).resolves.toBe(7);
    await expect(sut.ledgerCurrentHead()).resolves.toMatchObject({ treeSize: 7, rootHash: proof.rootHash });
  });

  it('verifies an event file with `pedigree proof verify` (VERIFIED with the anchor)', async () => {
    const file = path.join(dir, 'event.json');
    writeFileSync(file, JSON.stringify(events[4]!.event));
    const result = await runPedigree(['proof', 'verify', file, ...api()], sut.chaincode);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      new RegExp(
        `^VERIFIED ${escape(events[4]!.hash)}\n  leaf ${await leafIndexOf(events[4]!.hash)} of the log's first \\d+ leaves`,
      ),
    );
    expect(result.stdout).toContain(`chaincode ${sut.chaincode}: transaction `);
    expect(result.stdout).toMatch(/, block \d+, at .* by ManufacturerMSP/);
  });

  it('verifies by event hash, and an exported bundle without asking the service again', async () => {
    await expect(
      runPedigree(['proof', 'verify', events[0]!.hash, ...api()], sut.chaincode),
    ).resolves.toMatchObject({ code: 0 });
    const bundle = path.join(dir, 'bundle.json');
    const exported = await runPedigree(
      ['proof', 'export', events[5]!.hash, '--out', bundle, ...api()],
      sut.chaincode,
    );
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    const offline = await runPedigree(
      ['proof', 'verify', events[5]!.hash, '--bundle', bundle, '--api', 'http://127.0.0.1:9'],
      sut.chaincode,
    );
    expect(offline).toMatchObject({ code: 0 });
    expect(offline.stdout).toMatch(/^VERIFIED /);
  });

  it('fails a modified event: unknown to the log, and not the event a bundle proves', async () => {
    const modified = { ...events[3]!.event, disposition: 'damaged' };
    const file = path.join(dir, 'modified.json');
    writeFileSync(file, JSON.stringify(modified));
    const asked = await runPedigree(['proof', 'verify', file, ...api()], sut.chaincode);
    expect(asked.code).toBe(1);
    expect(asked.stdout).toBe(`FAILED\n  the log has no leaf for event hash ${eventHash(modified)}\n`);

    const bundle = path.join(dir, 'bundle-3.json');
    await runPedigree(['proof', 'export', events[3]!.hash, '--out', bundle, ...api()], sut.chaincode);
    const againstBundle = await runPedigree(['proof', 'verify', file, '--bundle', bundle], sut.chaincode);
    expect(againstBundle.code).toBe(1);
    expect(againstBundle.stdout).toContain(
      `the proof is for event hash ${events[3]!.hash}, not for ${eventHash(modified)}`,
    );
    expect(againstBundle.stdout).toContain('audit path (ROOT_MISMATCH)');
  });

  it('fails a bundle whose path was tampered with, naming the ledger root it does not reach', async () => {
    const bundle = path.join(dir, 'bundle-1.json');
    await runPedigree(['proof', 'export', events[1]!.hash, '--out', bundle, ...api()], sut.chaincode);
    const saved = JSON.parse(readFileSync(bundle, 'utf8')) as {
      auditPath: string[];
      leafIndex: number;
      treeSize: number;
    };
    saved.auditPath[0] = saved.auditPath[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    writeFileSync(bundle, JSON.stringify(saved));
    const result = await runPedigree(['proof', 'verify', events[1]!.hash, '--bundle', bundle], sut.chaincode);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `FAILED\n  audit path (ROOT_MISMATCH): leaf ${saved.leafIndex} with this path does not lead to the root of the tree of size ${saved.treeSize} as the ledger holds it`,
    );
  });

  it('lists anchored heads newest first, paged, and proves any two consistent (CLI checks both roots on the ledger)', async () => {
    const more = Array.from({ length: 60 }, (_, i) => commissioning(`Q${run}-${i}`));
    await sut.publishEvents(more.map((e) => e.event));
    await eventually(newestHeadSize, (size) => size === 67, 'all 67 events anchored');
    const first = (await (await sut.get('/heads?limit=1', token)).json()) as {
      heads: Array<{ treeSize: number }>;
      next?: string;
    };
    expect(first.heads).toHaveLength(1);
    expect(first.heads[0]!.treeSize).toBe(67);
    expect(first.next).toBe('/heads?limit=1&before=67');
    const all = (await (await sut.get('/heads?limit=500', token)).json()) as {
      heads: Array<{ treeSize: number; previousTreeSize: number }>;
      next?: string;
    };
    const sizes = all.heads.map((h) => h.treeSize);
    expect(sizes[0]).toBe(67);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes).toContain(7);
    expect(all.next).toBeUndefined();
    all.heads.slice(0, -1).forEach((head, i) => expect(head.previousTreeSize).toBe(sizes[i + 1]));

    const consistency = await sut.get('/consistency?from=7&to=67', token);
    expect(consistency.status).toBe(200);
    const verified = await runPedigree(['proof', 'consistency', '7', '67', ...api()], sut.chaincode);
    expect(verified).toMatchObject({ code: 0, stderr: '' });
    expect(verified.stdout).toMatch(/^VERIFIED the log of 67 leaves extends the log of 7 leaves\n/);

    const missing = await sut.get('/consistency?from=8&to=67', token);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      type: 'urn:pedigree:problem:unknown-head',
      detail: 'no anchored head has tree size 8',
    });
  });

  it('logs recall notices as canonical JSON and proves them by their ni:///sha-256 name', async () => {
    const notice = {
      noticeId: `n-${run}`,
      recallId: `r-${run}`,
      action: 'recall' as const,
      gtin: '10614141073464',
      lots: ['LOT-A1'],
      serials: [],
      classification: 'class-II' as const,
      reason: 'sterility not assured',
      effectiveAt: '2026-05-01T00:00:00Z',
      issuedBy: '0614141000005',
    };
    await sut.publishRecall(notice);
    const name = `ni:///sha-256;${createHash('sha256').update(canonicalJson(notice)).digest('hex')}`;
    await eventually(
      () => sut.get(`/proofs/${encodeURIComponent(name)}`, token).then((r) => r.status),
      (s) => s === 200,
      'recall anchored',
    );
    const result = await runPedigree(['proof', 'verify', name, ...api()], sut.chaincode);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(`VERIFIED ${name}\n`);
  });

  it('answers problem+json: 401 without a token, 400 for a malformed hash, 404 for an unknown one', async () => {
    expect((await sut.get(`/proofs/${encodeURIComponent(events[0]!.hash)}`)).status).toBe(401);
    const malformed = await sut.get('/proofs/abc', token);
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    const unknown = await sut.get(`/proofs/${'0'.repeat(64)}`, token);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'urn:pedigree:problem:unknown-event-hash' });
  });

  it("fails verification against the ledger when the database's copy of a leaf is altered", async () => {
    // Someone rewrites event 2 in the database: its leaf (the level-0 node of proofs) now stands for a forged event.
    const forged = { ...events[2]!.event, epcList: ['urn:epc:id:sgtin:0614141.107346.FORGED'] };
    const forgedEntry = /;([0-9a-f]{64})\?/.exec(eventHash(forged))![1]!;
    const index = await leafIndexOf(events[2]!.hash);
    const { treeSize } = (await (
      await sut.get(`/proofs/${encodeURIComponent(events[2]!.hash)}`, token)
    ).json()) as { treeSize: number };
    await sut.db.query(
      `UPDATE log_leaves SET entry = $1, leaf_hash = $2, event_hash = $3 WHERE leaf_index = $4`,
      [forgedEntry, hashLeaf(forgedEntry), eventHash(forged), index],
    );
    const file = path.join(dir, 'forged.json');
    writeFileSync(file, JSON.stringify(forged));
    const result = await runPedigree(['proof', 'verify', file, ...api()], sut.chaincode);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `FAILED\n  audit path (ROOT_MISMATCH): leaf ${index} with this path does not lead to the root of the tree of size ${treeSize} as the ledger holds it`,
    );
    // The proof of the sibling leaf runs through the altered leaf node, and fails the same way.
    const { rows } = await sut.db.query<{ event_hash: string }>(
      'SELECT event_hash FROM log_leaves WHERE leaf_index = $1',
      [index ^ 1],
    );
    const neighbour = await runPedigree(['proof', 'verify', rows[0]!.event_hash, ...api()], sut.chaincode);
    expect(neighbour.code).toBe(1);
    expect(neighbour.stdout).toContain('audit path (ROOT_MISMATCH)');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
