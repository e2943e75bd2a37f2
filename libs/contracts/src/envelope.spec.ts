import { createEnvelope, decodeEnvelope, EnvelopeValidationError } from './envelope';
import { allTopicSpecs, TOPICS, topicsWithPrefix } from './topics';

const recall = {
  noticeId: 'n-1',
  recallId: 'r-1',
  action: 'recall' as const,
  gtin: '09506000134352',
  lots: ['L1'],
  serials: [],
  classification: 'class-II' as const,
  reason: 'label misprint',
  effectiveAt: '2026-11-01T10:00:00Z',
  issuedBy: '9506000000003',
};

describe('message envelopes', () => {
  it('wraps a valid payload and decodes it back identically', () => {
    const envelope = createEnvelope(TOPICS.recallNotices, 'recall', recall, new Date('2026-11-02T00:00:00Z'));
    expect(envelope.type).toBe('recall.notice.issued');
    expect(envelope.occurredAt).toBe('2026-11-02T00:00:00.000Z');
    expect(envelope.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const decoded = decodeEnvelope(TOPICS.recallNotices, Buffer.from(JSON.stringify(envelope)));
    expect(decoded).toEqual(envelope);
  });

  it('refuses to create a message whose payload breaks the topic schema, naming the field', () => {
    expect(() => createEnvelope(TOPICS.recallNotices, 'recall', { ...recall, gtin: '123' })).toThrow(
      /payload\.gtin: a GTIN is 14 digits/,
    );
  });

  it.each([
    ['a tombstone', null, /no value/],
    ['non-JSON', Buffer.from('{oops'), /not JSON/],
    ['a missing messageId', JSON.stringify({ type: 'recall.notice.issued' }), /messageId/],
    [
      'another topic’s message type',
      JSON.stringify({ ...createEnvelope(TOPICS.recallNotices, 'r', recall), type: 'ledger.head.anchored' }),
      /expected "recall.notice.issued"/,
    ],
    [
      'a payload that breaks the schema',
      JSON.stringify({
        ...createEnvelope(TOPICS.recallNotices, 'r', recall),
        payload: { ...recall, action: 'maybe' },
      }),
      /payload\.action/,
    ],
  ])('rejects %s when decoding', (_name, value, message) => {
    const decode = () => decodeEnvelope(TOPICS.recallNotices, value);
    expect(decode).toThrow(EnvelopeValidationError);
    expect(decode).toThrow(message);
  });

  it('lists every topic with a dead-letter twin and explicit partitions', () => {
    const names = allTopicSpecs().map((t) => t.name);
    expect(names).toEqual([
      'epcis.events.v1',
      'epcis.events.v1.dlq',
      'coldchain.readings.v1',
      'coldchain.readings.v1.dlq',
      'coldchain.readings.priority.v1',
      'coldchain.readings.priority.v1.dlq',
      'coldchain.excursions.v1',
      'coldchain.excursions.v1.dlq',
      'recall.notices.v1',
      'recall.notices.v1.dlq',
      'ledger.anchors.v1',
      'ledger.anchors.v1.dlq',
    ]);
    expect(allTopicSpecs().every((t) => t.partitions >= 1)).toBe(true);
  });
});

describe('topic prefixes', () => {
  it('renames every topic and its dead-letter twin, keeping partitions and schemas', () => {
    const prefixed = topicsWithPrefix('run42.');
    expect(prefixed.epcisEvents).toMatchObject({
      name: 'run42.epcis.events.v1',
      partitions: TOPICS.epcisEvents.partitions,
    });
    expect(prefixed.epcisEvents.payload).toBe(TOPICS.epcisEvents.payload);
    expect(allTopicSpecs('run42.').map((t) => t.name)).toContain('run42.ledger.anchors.v1.dlq');
    expect(topicsWithPrefix('')).toBe(TOPICS);
  });
});
