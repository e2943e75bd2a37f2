import fc from 'fast-check';
import type { EpcisEvent } from '@pedigree/epcis';
import { eventFacts } from './event-facts';
import { PEDIGREE_DISPOSITIONS, RELEASE_DISPOSITION } from './pack-status';
import { foldRegistry, type RegistryEvent } from './registry-fold';

const MANUFACTURER = '0614141000005';
const WHOLESALER = '4012345000009';
const PHARMACY = '9521321000001';
const pack = (n: number) => `urn:epc:id:sgtin:0614141.107346.${n}`;
const packKey = (n: number) => `https://id.gs1.org/01/10614141073464/21/${n}`;
const CASE = 'urn:epc:id:sscc:0614141.1234567890';
const CASE_KEY = 'https://id.gs1.org/00/106141412345678908';

let sequence = 0;
function event(
  fields: Record<string, unknown>,
  capturedBy = MANUFACTURER,
  recordOffsetMs = 0,
): RegistryEvent {
  const e = { eventTimeZoneOffset: '+00:00', ...fields } as unknown as EpcisEvent;
  sequence += 1;
  return {
    hash: `h${String(sequence).padStart(4, '0')}`,
    recordTime: new Date(Date.parse(String(fields.eventTime)) + 1000 + recordOffsetMs),
    capturedBy,
    facts: eventFacts(e),
  };
}

function story(): RegistryEvent[] {
  return [
    event({
      type: 'ObjectEvent',
      action: 'ADD',
      eventTime: '2026-01-01T08:00:00Z',
      epcList: [pack(1), pack(2), pack(3)],
      bizStep: 'commissioning',
      disposition: 'active',
      bizLocation: { id: 'urn:epc:id:sgln:0614141.00001.0' },
      ilmd: { 'cbvmda:lotNumber': 'LOT7', 'cbvmda:itemExpirationDate': '2027-06-30' },
    }),
    event({
      type: 'AggregationEvent',
      action: 'ADD',
      eventTime: '2026-01-01T09:00:00Z',
      parentID: CASE,
      childEPCs: [pack(1), pack(2), pack(3)],
      bizStep: 'packing',
      disposition: 'container_closed',
    }),
    event({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime: '2026-01-02T10:00:00Z',
      epcList: [CASE],
      bizStep: 'shipping',
      disposition: 'in_transit',
      destinationList: [{ type: 'owning_party', destination: `urn:epc:id:pgln:4012345.00000` }],
    }),
    event(
      {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime: '2026-01-03T10:00:00Z',
        epcList: [CASE],
        bizStep: 'receiving',
        disposition: 'in_progress',
        bizLocation: { id: 'urn:epc:id:sgln:4012345.00001.0' },
        destinationList: [{ type: 'owning_party', destination: `urn:epc:id:pgln:4012345.00000` }],
      },
      WHOLESALER,
    ),
    event(
      {
        type: 'AggregationEvent',
        action: 'DELETE',
        eventTime: '2026-01-03T11:00:00Z',
        parentID: CASE,
        bizStep: 'unpacking',
      },
      WHOLESALER,
    ),
    event(
      {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime: '2026-01-04T10:00:00Z',
        epcList: [pack(2)],
        bizStep: 'shipping',
        disposition: 'in_transit',
        destinationList: [{ type: 'owning_party', destination: `urn:epc:id:pgln:9521321.00000` }],
      },
      WHOLESALER,
    ),
    event(
      {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime: '2026-01-05T09:00:00Z',
        epcList: [pack(2)],
        bizStep: 'receiving',
        disposition: 'sellable_accessible',
        bizLocation: { id: 'urn:epc:id:sgln:9521321.00001.0' },
      },
      PHARMACY,
    ),
    event(
      {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime: '2026-01-05T15:00:00Z',
        epcList: [pack(2)],
        bizStep: 'dispensing',
        disposition: 'dispensed',
        bizLocation: { id: 'urn:epc:id:sgln:9521321.00001.0' },
      },
      PHARMACY,
    ),
  ];
}

describe('foldRegistry', () => {
  it('records each object’s holders in order when asked to, the case’s contents receiving with it', () => {
    const events = story();
    const { custody } = foldRegistry(events, { trackCustody: true });
    const holders = (key: string) => custody.get(key)?.map((c) => [c.party, c.eventHash]);
    expect(holders(packKey(2))).toEqual([
      [MANUFACTURER, events[0]!.hash],
      [WHOLESALER, events[3]!.hash],
      [PHARMACY, events[6]!.hash],
    ]);
    expect(holders(packKey(1))).toEqual([
      [MANUFACTURER, events[0]!.hash],
      [WHOLESALER, events[3]!.hash],
    ]);
    expect(holders(CASE_KEY)).toEqual([
      [MANUFACTURER, events[1]!.hash],
      [WHOLESALER, events[3]!.hash],
    ]);
    expect(custody.get(packKey(2))?.[2]?.eventTime).toEqual(new Date('2026-01-05T09:00:00Z'));
    expect(foldRegistry(events).custody.size).toBe(0);
  });

  it('follows a pack through commissioning, packing, shipping, receiving, unpacking, shipping on and dispensing', () => {
    const events = story();
    const at = (n: number) => foldRegistry(events.slice(0, n)).states;

    expect(at(1).get(packKey(1))).toMatchObject({
      status: 'active',
      commissioned: true,
      gtin: '10614141073464',
      serial: '1',
      lot: 'LOT7',
      expiry: '2027-06-30',
      owner: MANUFACTURER,
      location: 'urn:epc:id:sgln:0614141.00001.0',
      parentKey: null,
    });
    expect(at(2).get(packKey(1))).toMatchObject({ parentKey: CASE_KEY, status: 'active' });
    expect(at(2).get(CASE_KEY)).toMatchObject({ kind: 'container', commissioned: false });
    expect(at(3).get(packKey(3))).toMatchObject({
      status: 'in_transit',
      parentKey: CASE_KEY,
      owner: MANUFACTURER,
    });
    expect(at(4).get(packKey(3))).toMatchObject({
      status: 'active',
      owner: WHOLESALER,
      location: 'urn:epc:id:sgln:4012345.00001.0',
    });
    expect(at(5).get(packKey(3))).toMatchObject({ parentKey: null, status: 'active' });
    expect(at(6).get(packKey(2))).toMatchObject({
      status: 'in_transit',
      owner: WHOLESALER,
      shippedTo: [PHARMACY],
    });
    expect(at(7).get(packKey(2))).toMatchObject({ status: 'active', owner: PHARMACY });
    const final = at(8);
    expect(final.get(packKey(2))).toMatchObject({
      status: 'dispensed',
      location: 'urn:epc:id:sgln:9521321.00001.0',
    });
    expect(final.get(packKey(1))?.status).toBe('active');
  });

  it('gives the same registry whatever order the events arrive in', () => {
    const events = story();
    const inOrder = foldRegistry(events);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length }), (shuffled) => {
        const replayed = foldRegistry(shuffled);
        expect(replayed.states).toEqual(inOrder.states);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves the registry as the story made it, whatever order, when parties act on packs they do not hold', () => {
    const observe = (epc: string, disposition: string, eventTime: string, by: string, fields = {}) =>
      event(
        { type: 'ObjectEvent', action: 'OBSERVE', eventTime, epcList: [epc], disposition, ...fields },
        by,
      );
    const unauthorised = [
      // The wholesaler before the case reached it; the prefix owner and the wholesaler after they gave custody away.
      observe(pack(1), 'stolen', '2026-01-01T12:00:00Z', WHOLESALER),
      observe(pack(3), 'destroyed', '2026-01-04T00:00:00Z', MANUFACTURER, { bizStep: 'destroying' }),
      observe(pack(2), 'dispensed', '2026-01-05T12:00:00Z', WHOLESALER, { bizStep: 'dispensing' }),
      // The pharmacy receiving a case shipped to the wholesaler, naming itself as owner.
      observe(CASE, 'in_progress', '2026-01-03T09:00:00Z', PHARMACY, {
        bizStep: 'receiving',
        destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:9521321.00000' }],
      }),
      event(
        { type: 'ObjectEvent', action: 'DELETE', eventTime: '2026-01-06T00:00:00Z', epcList: [pack(3)] },
        PHARMACY,
      ),
      event(
        { type: 'AggregationEvent', action: 'DELETE', eventTime: '2026-01-02T00:00:00Z', parentID: CASE },
        PHARMACY,
      ),
    ];
    const events = story();
    const authorisedOnly = foldRegistry(events).states;
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...events, ...unauthorised], { minLength: events.length + unauthorised.length }),
        (shuffled) => {
          expect(foldRegistry(shuffled).states).toEqual(authorisedOnly);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('orders events of equal event time by record time, then by hash, whatever order they arrive in', () => {
    // Few distinct event and record times, so that ties are the rule: the registry must still be the one the
    // order (event time, record time, hash) gives, for every arrival order.
    const EVENT_TIMES = ['2026-02-01T10:00:00.000Z', '2026-02-01T11:00:00.000Z'];
    const RECORD_TIMES = ['2026-02-02T00:00:00.000Z', '2026-02-02T00:00:01.000Z'];
    const DISPOSITIONS = ['in_transit', 'dispensed', 'destroyed', 'stolen', 'returned', 'damaged', 'expired'];
    const contested = fc.uniqueArray(
      fc.record({
        disposition: fc.constantFrom(...DISPOSITIONS),
        eventTime: fc.constantFrom(...EVENT_TIMES),
        recordTime: fc.constantFrom(...RECORD_TIMES),
        nonce: fc.stringMatching(/^[0-9a-f]{4}$/),
      }),
      { minLength: 2, maxLength: DISPOSITIONS.length, selector: (e) => e.disposition },
    );
    const toEvent = (e: { disposition: string; eventTime: string; recordTime: string; nonce: string }) => ({
      // Unique (one event per disposition), in an order unrelated to the generation order.
      hash: `${e.nonce}-${e.disposition}`,
      recordTime: new Date(e.recordTime),
      capturedBy: MANUFACTURER,
      facts: eventFacts({
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime: e.eventTime,
        eventTimeZoneOffset: '+00:00',
        epcList: [pack(1)],
        disposition: e.disposition,
        bizLocation: { id: `urn:epc:id:sgln:0614141.00001.${e.disposition}` },
      }),
    });
    const commissioning = story()[0]!;

    fc.assert(
      fc.property(
        contested.chain((entries) =>
          fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length })),
        ),
        ([entries, arrival]) => {
          const codeUnits = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
          const last = [...entries].sort(
            (a, b) =>
              codeUnits(a.eventTime, b.eventTime) ||
              codeUnits(a.recordTime, b.recordTime) ||
              codeUnits(toEvent(a).hash, toEvent(b).hash),
          )[entries.length - 1]!;
          const state = foldRegistry([...arrival.map(toEvent), commissioning]).states.get(packKey(1));
          expect(state).toMatchObject({
            status: last.disposition,
            statusEventHash: toEvent(last).hash,
            lastEventHash: toEvent(last).hash,
            location: `urn:epc:id:sgln:0614141.00001.${last.disposition}`,
          });
          expect(foldRegistry([commissioning, ...entries.map(toEvent)]).states).toEqual(
            foldRegistry([...arrival.map(toEvent), commissioning]).states,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ignores an event that carries an error declaration', () => {
    const events = story();
    const dispensing = events[7]!;
    const retracted = { ...dispensing, facts: { ...dispensing.facts, errorDeclared: true } };
    const states = foldRegistry([...events.slice(0, 7), retracted]).states;
    expect(states.get(packKey(2))?.status).toBe('active');
  });

  it('unpacks only the listed children when an AggregationEvent DELETE names them', () => {
    const events = story().slice(0, 2);
    events.push(
      event({
        type: 'AggregationEvent',
        action: 'DELETE',
        eventTime: '2026-01-01T10:00:00Z',
        parentID: CASE,
        childEPCs: [pack(1)],
      }),
    );
    const { states } = foldRegistry(events);
    expect(states.get(packKey(1))?.parentKey).toBeNull();
    expect(states.get(packKey(2))?.parentKey).toBe(CASE_KEY);
  });

  it('decommissions with ObjectEvent DELETE and transforms inputs into commissioned outputs', () => {
    const events = [
      ...story().slice(0, 1),
      event({
        type: 'ObjectEvent',
        action: 'DELETE',
        eventTime: '2026-01-02T00:00:00Z',
        epcList: [pack(1)],
        bizStep: 'decommissioning',
      }),
      event({
        type: 'TransformationEvent',
        eventTime: '2026-01-02T01:00:00Z',
        inputEPCList: [pack(2)],
        outputEPCList: [pack(9)],
        ilmd: { 'cbvmda:lotNumber': 'RELABELLED' },
      }),
    ];
    const { states } = foldRegistry(events);
    expect(states.get(packKey(1))?.status).toBe('decommissioned');
    expect(states.get(packKey(2))?.status).toBe('transformed');
    expect(states.get(packKey(9))).toMatchObject({ status: 'active', commissioned: true, lot: 'RELABELLED' });
  });

  it('treats Digital Link and EPC URI spellings of the same pack as one item', () => {
    const events = [
      ...story().slice(0, 1),
      event({
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime: '2026-01-02T00:00:00Z',
        epcList: ['https://example.com/01/10614141073464/21/1'],
        disposition: 'stolen',
      }),
    ];
    expect(foldRegistry(events).states.get(packKey(1))?.status).toBe('stolen');
  });

  describe('holds (quarantine, rejection) by the cold-chain service', () => {
    const hold = (disposition: string, eventTime: string, packs: number[], admin = true): RegistryEvent => ({
      ...event({
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime,
        epcList: packs.map(pack),
        bizStep: 'holding',
        disposition,
      }),
      capturedByAdmin: admin,
    });

    it('keeps a quarantine through the holder’s later events, and a release restores what they gave', () => {
      const events = [
        ...story().slice(0, 3),
        hold(PEDIGREE_DISPOSITIONS.quarantined, '2026-01-02T12:00:00Z', [1]),
      ];
      expect(foldRegistry(events).states.get(packKey(1))?.status).toBe('quarantined');
      // The wholesaler receives the case: the pack stays quarantined, its owner changes.
      const received = foldRegistry([...story().slice(0, 4), events[3]!]).states.get(packKey(1));
      expect(received).toMatchObject({ status: 'quarantined', owner: WHOLESALER, heldStatus: 'active' });
      const released = foldRegistry([
        ...story().slice(0, 4),
        events[3]!,
        hold(RELEASE_DISPOSITION, '2026-01-03T12:00:00Z', [1]),
      ]).states.get(packKey(1));
      expect(released?.status).toBe('active');
      expect(released?.heldStatus).toBeUndefined();
    });

    it('takes holds and releases only from an admin; a terminal state ends a hold', () => {
      const byHolder = [
        ...story().slice(0, 3),
        hold(PEDIGREE_DISPOSITIONS.quarantined, '2026-01-02T12:00:00Z', [1], false),
      ];
      // The holder's own event with the disposition applies (the holder may change its pack) …
      expect(foldRegistry(byHolder).states.get(packKey(1))?.status).toBe('quarantined');
      // … but only an admin's release ends it.
      const notReleased = [...byHolder, hold(RELEASE_DISPOSITION, '2026-01-02T13:00:00Z', [1], false)];
      expect(foldRegistry(notReleased).states.get(packKey(1))?.status).toBe('quarantined');
      const rejected = [
        ...story().slice(0, 3),
        hold(PEDIGREE_DISPOSITIONS.rejected, '2026-01-02T12:00:00Z', [1]),
      ];
      const destroyed = event({
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime: '2026-01-02T14:00:00Z',
        epcList: [pack(1)],
        bizStep: 'destroying',
        disposition: 'destroyed',
      });
      expect(foldRegistry(rejected).states.get(packKey(1))?.status).toBe('rejected');
      const quarantinedAgain = [
        ...rejected,
        hold(PEDIGREE_DISPOSITIONS.quarantined, '2026-01-02T13:00:00Z', [1]),
      ];
      expect(foldRegistry(quarantinedAgain).states.get(packKey(1))?.status).toBe('rejected');
      expect(foldRegistry([...rejected, destroyed]).states.get(packKey(1))?.status).toBe('destroyed');
    });

    it('does not hold a pack that has left the supply chain: a dispensed pack stays dispensed', () => {
      const dispensed = event({
        type: 'ObjectEvent',
        action: 'OBSERVE',
        eventTime: '2026-01-02T11:00:00Z',
        epcList: [pack(1)],
        bizStep: 'dispensing',
        disposition: 'dispensed',
      });
      const events = [
        ...story().slice(0, 3),
        dispensed,
        hold(PEDIGREE_DISPOSITIONS.quarantined, '2026-01-02T12:00:00Z', [1, 2]),
      ];
      const states = foldRegistry(events).states;
      expect(states.get(packKey(1))).toMatchObject({ status: 'dispensed', statusEventHash: dispensed.hash });
      expect(states.get(packKey(1))?.heldStatus).toBeUndefined();
      expect(states.get(packKey(2))?.status).toBe('quarantined');
      // Its release changes nothing either.
      const released = foldRegistry([
        ...events,
        hold(RELEASE_DISPOSITION, '2026-01-02T13:00:00Z', [1, 2]),
      ]).states;
      expect(released.get(packKey(1))?.status).toBe('dispensed');
      expect(released.get(packKey(2))?.status).toBe('in_transit');
    });
  });
});
