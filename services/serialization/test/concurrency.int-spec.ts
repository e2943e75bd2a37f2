import type { EpcisEvent } from '@pedigree/epcis';
import { uniqueSuffix } from '@pedigree/testing';
import { capturerFromColumns, eventFacts, foldRegistry } from '@pedigree/registry';
import { epcisDocument, eventually, SerializationUnderTest, story } from './harness';

describe('serialization projector under concurrent batches (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  afterAll(() => sut.stop());

  it('ends with exactly the registry a replay of all stored events gives, whatever batches ran side by side', async () => {
    await sut.start();
    const admin = await sut.token('regulator', ['admin']);
    const run = uniqueSuffix().slice(-6);
    const stories = Array.from({ length: 20 }, (_, k) =>
      story([`C${run}-${k}-a`, `C${run}-${k}-b`], 100 + k),
    );
    // Every event of every story in its own capture, all at once: they land in different partitions and are
    // projected concurrently, packing racing commissioning and the case's shipping and receiving.
    const responses = await Promise.all(
      stories.flatMap((s) => Object.values(s).map((event) => sut.capture(epcisDocument([event]), admin))),
    );
    const refused = await Promise.all(
      responses.filter((r) => r.status !== 202).map(async (r) => `${r.status} ${await r.text()}`),
    );
    expect(refused).toEqual([]);
    const total = stories.length * 6;
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM events`),
      (n) => n === total,
      'all events stored (this service instance has its own database)',
      60000,
    );

    const { rows: stored } = await sut.db.query<{
      event_hash: string;
      record_time: Date;
      captured_by: string;
      captured_by_roles: string[] | null;
      captured_by_gcps: string[] | null;
      appointed_by: string[] | null;
      document: Record<string, unknown>;
    }>(
      `SELECT event_hash, record_time, captured_by, captured_by_roles, captured_by_gcps, appointed_by, document FROM events`,
    );
    // The capturer is an admin: its events change any object (docs/authorisation.md), in the replay as in the projector.
    const replay = foldRegistry(
      stored.map((e) => ({
        hash: e.event_hash,
        recordTime: e.record_time,
        capturedBy: e.captured_by,
        ...capturerFromColumns(e),
        facts: eventFacts(e.document as unknown as EpcisEvent),
      })),
    );
    const { rows: registry } = await sut.db.query<{
      key: string;
      status: string;
      owner: string | null;
      parent_key: string | null;
      location: string | null;
      lot: string | null;
      commissioned: boolean;
    }>(`SELECT key, status, owner, parent_key, location, lot, commissioned FROM serials WHERE key LIKE $1`, [
      `%/21/C${run}-%`,
    ]);
    expect(registry).toHaveLength(stories.length * 2);
    for (const row of registry) {
      const expected = replay.states.get(row.key)!;
      expect({
        key: row.key,
        status: row.status,
        owner: row.owner,
        parent: row.parent_key,
        location: row.location,
        lot: row.lot,
        commissioned: row.commissioned,
      }).toEqual({
        key: expected.key,
        status: expected.status,
        owner: expected.owner ?? null,
        parent: expected.parentKey,
        location: expected.location ?? null,
        lot: expected.lot ?? null,
        commissioned: expected.commissioned,
      });
    }
  });
});
