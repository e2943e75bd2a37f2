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

  it('loses nothing and doubles nothing when the projector is killed mid-batch and restarted', async () => {
    const run = uniqueSuffix().slice(-6);
    const documents = 20;
    const perDocument = 200;
    for (let d = 0; d < documents; d++) {
      const serials = Array.from({ length: perDocument }, (_, i) => `K${run}-${d}-${i}`);
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
    const total = documents * perDocument;
    // Kill the process (no shutdown hooks, no commit) while it is half-way through the projection.
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n > 0,
      'projection under way',
      60000,
    );
    await sut.service.stop('SIGKILL');
    const atCrash = await sut.count('SELECT count(*) AS n FROM events');
    expect(atCrash).toBeLessThan(total);

    await sut.start();
    await eventually(
      () => sut.count('SELECT count(*) AS n FROM events'),
      (n) => n === total,
      'all events after restart',
      120000,
    );
    await eventually(
      () => sut.count(`SELECT count(*) AS n FROM serials WHERE serial LIKE $1`, [`K${run}-%`]),
      (n) => n === total,
      'all packs',
    );
    expect(
      await sut.count(
        `SELECT count(*) AS n FROM event_epcs x JOIN serials s ON s.key = x.key WHERE s.serial LIKE $1`,
        [`K${run}-%`],
      ),
    ).toBe(total);
    expect(
      await sut.count(
        `SELECT count(*) AS n FROM serials WHERE serial LIKE $1 AND status = 'active' AND lot IS NOT NULL`,
        [`K${run}-%`],
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
