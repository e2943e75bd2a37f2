import { createEnvelope, decodeEnvelope } from '../envelope';
import { TOPICS } from '../topics';

const event = {
  type: 'ObjectEvent',
  action: 'ADD',
  eventTime: '2026-01-01T08:00:00Z',
  eventTimeZoneOffset: '+00:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
  bizStep: 'commissioning',
} as const;

const payload = {
  eventHash: `ni:///sha-256;${'a'.repeat(64)}?ver=CBV2.0`,
  captureId: 'c1',
  capturedBy: '0614141000005',
  recordTime: '2026-01-01T08:00:01Z',
  namespaces: {},
  event: { ...event, epcList: [...event.epcList] },
};

describe('epcis.events.v1 payload', () => {
  it('carries the event through an envelope as an EPCIS event', () => {
    const value = JSON.stringify(createEnvelope(TOPICS.epcisEvents, 'serialization', payload));
    const decoded = decodeEnvelope(TOPICS.epcisEvents, value).payload.event;
    expect(decoded).toEqual(payload.event);
    expect(decoded.type === 'ObjectEvent' ? decoded.epcList : undefined).toEqual(event.epcList);
  });

  it.each([
    ['an unknown event type', { ...payload.event, type: 'Reading' }],
    ['an event without time zone offset', { ...payload.event, eventTimeZoneOffset: undefined }],
    ['an ObjectEvent without action', { ...payload.event, action: undefined }],
  ])('refuses %s', (_what, badEvent) => {
    const value = JSON.stringify({
      ...createEnvelope(TOPICS.epcisEvents, 'serialization', payload),
      payload: { ...payload, event: badEvent },
    });
    expect(() => decodeEnvelope(TOPICS.epcisEvents, value)).toThrow(
      /payload\.event: event must be an EPCIS 2\.0 event/,
    );
  });
});
