import { epcisEventMessageSchema } from '@pedigree/contracts';
import { eventFacts, foldRegistry } from '@pedigree/registry';
import { holdEventMessage } from './hold-events';

const PACKS = [
  { gtin: '10614141073464', serial: 'A1' },
  { gtin: '10614141073464', serial: 'A2' },
];
const AT = new Date('2026-03-02T00:00:00Z');

describe('holdEventMessage', () => {
  it('is a valid epcis.events.v1 message naming every pack, with the hold disposition', () => {
    const message = holdEventMessage('quarantine', PACKS, {
      excursionId: 'x1',
      capturedBy: '0614141000005',
      at: AT,
    });
    expect(epcisEventMessageSchema.safeParse(message).success).toBe(true);
    expect(message).toMatchObject({ capturedByAdmin: true, captureId: 'coldchain:x1:quarantine' });
    expect(message.eventHash).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
    const facts = eventFacts(message.event);
    expect(facts.identifiers.map((i) => i.key)).toEqual([
      'https://id.gs1.org/01/10614141073464/21/A1',
      'https://id.gs1.org/01/10614141073464/21/A2',
    ]);
    expect(facts.disposition).toBe('urn:pedigree:disposition:quarantined');
  });

  it('quarantines, rejects and releases packs in the registry fold', () => {
    const commissioning = {
      hash: 'c',
      recordTime: new Date('2026-03-01T00:00:01Z'),
      capturedBy: '0614141000005',
      facts: eventFacts({
        type: 'ObjectEvent',
        action: 'ADD',
        eventTime: '2026-03-01T00:00:00Z',
        eventTimeZoneOffset: '+00:00',
        epcList: ['urn:epc:id:sgtin:0614141.107346.A1'],
        bizStep: 'commissioning',
      } as never),
    };
    const held = (action: 'quarantine' | 'reject' | 'release', at: string) => {
      const message = holdEventMessage(action, PACKS.slice(0, 1), {
        excursionId: 'x',
        capturedBy: '0614141000005',
        at: new Date(at),
      });
      return {
        hash: message.eventHash,
        recordTime: new Date(at),
        capturedBy: message.capturedBy,
        capturedByAdmin: true,
        facts: eventFacts(message.event),
      };
    };
    const key = 'https://id.gs1.org/01/10614141073464/21/A1';
    const status = (events: Parameters<typeof foldRegistry>[0]) =>
      foldRegistry(events).states.get(key)?.status;
    expect(status([commissioning, held('quarantine', '2026-03-02T00:00:00Z')])).toBe('quarantined');
    expect(
      status([
        commissioning,
        held('quarantine', '2026-03-02T00:00:00Z'),
        held('reject', '2026-03-03T00:00:00Z'),
      ]),
    ).toBe('rejected');
    expect(
      status([
        commissioning,
        held('quarantine', '2026-03-02T00:00:00Z'),
        held('release', '2026-03-03T00:00:00Z'),
      ]),
    ).toBe('active');
  });
});
