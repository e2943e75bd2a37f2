import {
  anchoredSize,
  commissioning,
  eventually,
  expectCompleteLog,
  fabricPeer,
  leafCount,
  LedgerWriterUnderTest,
} from './harness';

// Stops the test stack's manufacturer peer, which every other Fabric test uses: a `.serial.int-spec.ts`, run alone
// after the other tests (jest project `integration-serial`).

describe('ledger-writer through a Fabric peer outage', () => {
  const sut = new LedgerWriterUnderTest();
  let token: string;
  beforeAll(async () => {
    await sut.start();
    token = await sut.token();
  });
  afterAll(async () => {
    fabricPeer('start', 'manufacturer');
    await sut.stop();
  });

  it('keeps appending and serving while the peer is down (reported: fabric down), and catches up when it is back', async () => {
    const run = Date.now().toString(36);
    const before = Array.from({ length: 20 }, (_, i) => commissioning(`A${run}-${i}`));
    const during = Array.from({ length: 30 }, (_, i) => commissioning(`B${run}-${i}`));
    const hashes = await sut.publishEvents(before.map((e) => e.event));
    await eventually(
      () => anchoredSize(sut),
      (n) => n === 20,
      'first events anchored',
    );

    fabricPeer('stop', 'manufacturer');
    try {
      hashes.push(...(await sut.publishEvents(during.map((e) => e.event))));
      await eventually(
        () => leafCount(sut),
        (n) => n === 50,
        'leaves appended while the peer is down',
      );
      // The fabric report pings the peer; the anchoring report turns down once an anchoring attempt has failed.
      await eventually(
        () =>
          fetch(`${sut.service.baseUrl}/health/ready`)
            .then((r) => r.json() as Promise<{ details: Record<string, { status: string }> }>)
            .then(
              (body) => `fabric ${body.details.fabric?.status}, anchoring ${body.details.anchoring?.status}`,
            ),
        (reports) => reports === 'fabric down, anchoring down',
        'the health details to report the outage',
      );
    } catch (error) {
      fabricPeer('start', 'manufacturer');
      throw error;
    }
    // Readiness is about serving (database, Kafka, the consumer in its group): the proofs API stays in service.
    const readiness = await fetch(`${sut.service.baseUrl}/health/ready`);
    expect(readiness.status).toBe(200);
    const body = (await readiness.json()) as { details: Record<string, { status: string }> };
    expect(body.details.fabric?.status).toBe('down');
    expect(body.details.anchoring?.status).toBe('down');
    expect(body.details.postgres?.status).toBe('up');
    const metrics = await (await fetch(`${sut.service.baseUrl}/metrics`)).text();
    expect(metrics).toContain('pedigree_ledger_fabric_reachable 0\n');
    expect(metrics).toContain('pedigree_ledger_anchoring_state{state="fabric-down"} 1\n');
    expect(metrics).toContain('pedigree_ledger_unanchored_leaves 30\n');
    const notYet = await sut.get(`/proofs/${encodeURIComponent(during[0]!.hash)}`, token);
    expect(notYet.status).toBe(404);
    expect(await notYet.json()).toMatchObject({ type: 'urn:pedigree:problem:not-yet-anchored' });
    await expect(anchoredSize(sut)).resolves.toBe(20);

    fabricPeer('start', 'manufacturer');
    await eventually(
      () => anchoredSize(sut),
      (n) => n === 50,
      'anchoring caught up',
      90000,
    );
    expect((await sut.get(`/proofs/${encodeURIComponent(during[0]!.hash)}`, token)).status).toBe(200);
    await expectCompleteLog(sut, hashes);
  });
});
