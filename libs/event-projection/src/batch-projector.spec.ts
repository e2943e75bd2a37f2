import type { EpcisEvent } from '@pedigree/epcis';
import type { EpcisEventMessage } from '@pedigree/contracts';
import { preferredCopy } from './batch-projector';

const MANUFACTURER = '0614141000005';
const DISTRIBUTOR = '4012345000009';
const event = {
  type: 'ObjectEvent',
  action: 'OBSERVE',
  eventTime: '2026-03-01T08:00:00Z',
  eventTimeZoneOffset: '+00:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
  bizStep: 'shipping',
} as unknown as EpcisEvent;
const declared = {
  ...event,
  errorDeclaration: { declarationTime: '2026-03-02T08:00:00Z', reason: 'incorrect_data' },
} as EpcisEvent;

function copy(capturedBy: string, body: EpcisEvent): EpcisEventMessage {
  return {
    eventHash: `ni:///sha-256;${'0'.repeat(64)}?ver=CBV2.0`,
    captureId: `${capturedBy}-${body.errorDeclaration ? 'declared' : 'plain'}`,
    capturedBy,
    recordTime: '2026-03-02T08:00:00.000Z',
    namespaces: {},
    event: body,
  };
}

describe('preferredCopy (two copies of one event in a batch)', () => {
  const original = copy(MANUFACTURER, event);

  it('lets the capturer’s own error declaration retract its event, in either order', () => {
    const retraction = copy(MANUFACTURER, declared);
    expect(preferredCopy(original, retraction)).toBe(retraction);
    expect(preferredCopy(retraction, original)).toBe(retraction);
  });

  it('keeps the event when another party declares it in error, in either order', () => {
    const forged = copy(DISTRIBUTOR, declared);
    expect(preferredCopy(original, forged)).toBe(original);
    expect(preferredCopy(forged, original)).toBe(original);
  });

  it('lets an admin’s error declaration retract another party’s event', () => {
    const byAdmin = { ...copy(DISTRIBUTOR, declared), capturedByAdmin: true };
    expect(preferredCopy(original, byAdmin)).toBe(byAdmin);
    expect(preferredCopy(byAdmin, original)).toBe(byAdmin);
  });

  it('keeps the first of two plain copies', () => {
    const again = copy(DISTRIBUTOR, event);
    expect(preferredCopy(original, again)).toBe(original);
  });
});
