import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { topicsWithPrefix } from '@pedigree/contracts';
import { kafkaBrokers, uniqueSuffix, waitForStatus } from '@pedigree/testing';
import { epcisDocument, eventually, GTIN, PARTIES, SerializationUnderTest, story } from './harness';

describe('serialization projector: crash safety and recall notices (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  let manufacturer: string;

  beforeAll(async () => {
    await sut.start();
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
  });
  afterAll(() => sut.stop());

  /** Captures `documents` documents of `perDocument` commissioning events, one pack each (serials `<run>-<d>-<i>`). */
  async function commissionOnePerPack(run: string, documents: number, perDocument: number): Promise<void> {
    for (let d = 0; d < documents; d++) {
      const serials = Array.from({ length: perDocument }, (_, i) => `${run}-${d}-${i}`);
      const commission = {
        ...story(serials, 1).commission,
        eventTime: `2026-04-01T08:${String(d).padStart(2, '0')}:00+01:00`,
      };
      // One event per pack, so the projector has many events and many registry rows to write.
      const events = serials.map((_serial, i) => ({
        ...commission,
        epcList: [commission.epcList[i]!],
        ilmd: { 'cbvmda:lotNumber': `L${d}` },
      }));
      const response = await sut.capture(epcisDocument(events), manufacturer);
      expect({ status: response.status, body: response.status === 202 ? '' : await response.text() }).toEqual(
        { status: 202, body: '' },
      );
    }
  }

  it('rides out database connections dropped mid-batch: every event projected once, none dead-lettered', async () => {
    const run = `D${uniqueSuffix().slice(-6)}`;
    const documents = 20;
    const perDocument = 200;
    const total = documents * perDocument;
    const projectedPacks = () =>
      sut.count(`SELECT count(*) AS n FROM serials WHERE serial LIKE $1`, [`${run}-%`]);
    const deadLetteredBefore = await sut.deadLetteredEventCount();

    // The projector's sessions (application_name serialization-projection) are cut while they are in a transaction,
    // as a database restart or a network fault would: the batch fails, is retried on a new connection, and commits.
    let cut = 0;
    let capturing = true;
    const cutting = (async () => {
      while (cut < 5 && (capturing || (await projectedPacks()) < total)) {
        const { rowCount } = await sut.db.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'serialization-projection'
             AND state IN ('active', 'idle in transaction')`,
        );
        cut += rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await commissionOnePerPack(run, documents, perDocument);
    capturing = false;
    await cutting;
    expect(cut).toBeGreaterThan(0);

    await eventually(projectedPacks, (n) => n === total, 'every pack after the cuts', 120000);
    expect(
      await sut.count(
        `SELECT count(*) AS n FROM event_epcs x JOIN serials s ON s.key = x.key WHERE s.serial LIKE $1`,
        [`${run}-%`],
      ),
    ).toBe(total);
    expect(await sut.deadLetteredEventCount()).toBe(deadLetteredBefore);
  });

  it('loses nothing and doubles nothing when the projector is killed mid-batch and restarted', async () => {
    const run = `K${uniqueSuffix().slice(-6)}`;
    const documents = 20;
    const perDocument = 200;
    // Events of this test only: earlier tests' events are all projected by now.
    const before = await sut.count('SELECT count(*) AS n FROM events');
    const storedEvents = async () => (await sut.count('SELECT count(*) AS n FROM events')) - before;
    await commissionOnePerPack(run, documents, perDocument);
    const total = documents * perDocument;
    // Kill the process (no shutdown hooks, no commit) while it is half-way through the projection.
    await eventually(storedEvents, (n) => n > 0, 'projection under way', 60000);
    await sut.service.stop('SIGKILL');
    const atCrash = await storedEvents();
    expect(atCrash).toBeLessThan(total);

    await sut.start();
    await eventually(storedEvents, (n) => n === total, 'all events after restart', 120000);
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM serials WHERE serial LIKE $1`, [`${run}-%`]),
      (n) => n === total,
      'all packs',
    );
    expect(
      await sut.count(
        `SELECT count(*) AS n FROM event_epcs x JOIN serials s ON s.key = x.key WHERE s.serial LIKE $1`,
        [`${run}-%`],
      ),
    ).toBe(total);
    expect(
      await sut.count(
        `SELECT count(*) AS n FROM serials WHERE serial LIKE $1 AND status = 'active' AND lot IS NOT NULL`,
        [`${run}-%`],
      ),
    ).toBe(total);
  });

  it('marks packs recalled from recall.notices.v1, also packs commissioned after the notice, and releases them when the recall closes', async () => {
    await waitForStatus(sut.service, '/health/ready');
    const lot = `RL${uniqueSuffix()}`;
    const early = [`R${uniqueSuffix()}-1`, `R${uniqueSuffix()}-2`];
    const late = `R${uniqueSuffix()}-3`;
    const other = `R${uniqueSuffix()}-4`;
    const commission = (serials: string[], lotNumber: string) =>
      sut.capture(
        epcisDocument([{ ...story(serials, 1).commission, ilmd: { 'cbvmda:lotNumber': lotNumber } }]),
        manufacturer,
      );
    await commission(early, lot);
    await commission([other], `${lot}-other`);
    await eventually(
      () => sut.serial(GTIN, other),
      (r) => r !== undefined,
      'packs projected',
    );

    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'recall-test',
      logger: createLogger('t', 'silent'),
    });
    const producer = new EnvelopeProducer(kafka, 'recall');
    const topic = topicsWithPrefix(sut.topicPrefix).recallNotices;
    const notice = {
      recallId: `recall-${lot}`,
      gtin: GTIN,
      lots: [lot],
      serials: [],
      classification: 'class-II' as const,
      reason: 'sterility not assured',
      issuedBy: PARTIES.manufacturer.party,
    };
    await producer.publish(topic, [
      {
        key: notice.recallId,
        payload: { ...notice, noticeId: `${lot}-1`, action: 'recall', effectiveAt: '2026-05-01T00:00:00Z' },
      },
    ]);
    await eventually(
      () => sut.serial(GTIN, early[1]!),
      (r) => r?.recall_id === notice.recallId,
      'recalled',
    );
    expect((await sut.serial(GTIN, other))?.recall_id).toBeNull();

    await commission([late], lot);
    await eventually(
      () => sut.serial(GTIN, late),
      (r) => r?.recall_id === notice.recallId,
      'late pack recalled too',
    );

    await producer.publish(topic, [
      {
        key: notice.recallId,
        payload: { ...notice, noticeId: `${lot}-2`, action: 'close', effectiveAt: '2026-06-01T00:00:00Z' },
      },
    ]);
    await eventually(
      () => sut.serial(GTIN, early[0]!),
      (r) => r?.recall_id === null,
      'released',
    );
    await producer.disconnect();
  });
});
