import type { EpcisEventMessage } from '@pedigree/contracts';
import { documentEventHashes, EPCIS_CONTEXT_URI, namespacesFromJsonLdContext } from '@pedigree/epcis';
import { withCheckDigit } from '@pedigree/gs1';

// A supply chain as the benchmarks load it: one manufacturer's lots of packs in cases and pallets, shipped on through
// two distributors to six pharmacies, as the typed messages the serialization service's capture publishes.

export const GTIN = '10614141073464';
export const MANUFACTURER = { party: '0614141000005', roles: ['manufacturer'], gcps: ['0614141'] };
export const DISTRIBUTORS = ['4012345000009', withCheckDigit('401234600000')].map((party) => ({
  party,
  roles: ['distributor'],
  gcps: [party.slice(0, 7)],
}));
export const PHARMACIES = Array.from({ length: 6 }, (_, i) => withCheckDigit(`952132${i}00000`)).map(
  (party) => ({
    party,
    roles: ['dispenser'],
    gcps: [party.slice(0, 7)],
  }),
);
export type Party = typeof MANUFACTURER;

export const pack = (lot: number, n: number) => `urn:epc:id:sgtin:0614141.107346.L${lot}P${n}`;
/** SSCCs: extension digit 1 for cases, 2 for pallets, then the lot (3 digits) and the container's number (6). */
export const sscc = (level: 1 | 2, lot: number, n: number) =>
  `urn:epc:id:sscc:0614141.${level}${String(lot).padStart(3, '0')}${String(n).padStart(6, '0')}`;
export const sgln = (gln: string) => `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.0`;
export const pgln = (gln: string) => `urn:epc:id:pgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}`;

/** One capture: the events one party sent in one document (published together, keyed by the capture). */
export interface Capture {
  key: string;
  by: Party;
  events: Array<Record<string, unknown>>;
}

/** What the story does to a lot, counted as it is written: the scope's expected figures. */
/** Packs per case and cases per pallet. */
export interface LotShape {
  casePacks: number;
  palletCases: number;
}

export interface LotFacts {
  packs: number;
  dispensed: number;
  events: number;
}

let clock = Date.UTC(2026, 0, 1);
const nextTime = () => new Date((clock += 1000)).toISOString();

export function observe(epcs: string[], bizStep: string, disposition: string, at: string, extra = {}) {
  return {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: nextTime(),
    eventTimeZoneOffset: '+00:00',
    epcList: epcs,
    bizStep,
    disposition,
    readPoint: { id: sgln(at) },
    bizLocation: { id: sgln(at) },
    ...extra,
  };
}

export function aggregate(action: 'ADD' | 'DELETE', parent: string, children: string[], at: string) {
  return {
    type: 'AggregationEvent',
    action,
    eventTime: nextTime(),
    eventTimeZoneOffset: '+00:00',
    parentID: parent,
    ...(children.length > 0 ? { childEPCs: children } : {}),
    bizStep: action === 'ADD' ? 'packing' : 'unpacking',
    bizLocation: { id: sgln(at) },
  };
}

export function transfer(
  epcs: string[],
  from: string,
  to: string,
  step: 'shipping' | 'receiving',
  doc: string,
) {
  return observe(
    epcs,
    step,
    step === 'shipping' ? 'in_transit' : 'sellable_accessible',
    step === 'shipping' ? from : to,
    {
      sourceList: [{ type: 'owning_party', source: pgln(from) }],
      destinationList: [{ type: 'owning_party', destination: pgln(to) }],
      bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${from}:${doc}` }],
    },
  );
}

/**
 * The story of one lot, pallet by pallet: every pack commissioned (one event each), packed into cases and the cases
 * onto pallets. Of every ten pallets two stay with the manufacturer, three are shipped to a distributor and received
 * there, five are also unpacked there and their cases shipped on to the pharmacies, which unpack every other case and
 * dispense three packs in ten of it.
 */
export function* lotStory(
  lot: number,
  packs: number,
  facts: LotFacts,
  { casePacks, palletCases }: LotShape,
): Generator<Capture> {
  const lotNumber = `LOT${lot}`;
  const palletPacks = casePacks * palletCases;
  for (let p = 0; p * palletPacks < packs; p++) {
    const M = MANUFACTURER.party;
    const pallet = sscc(2, lot, p);
    const manufacturer: Capture['events'] = [];
    const cases: Array<{ sscc: string; packs: string[] }> = [];
    for (let c = 0; c < palletCases; c++) {
      const first = p * palletPacks + c * casePacks;
      if (first >= packs) break;
      const items = Array.from({ length: Math.min(casePacks, packs - first) }, (_, i) =>
        pack(lot, first + i),
      );
      for (const item of items)
        manufacturer.push({
          ...observe([item], 'commissioning', 'active', M),
          action: 'ADD',
          ilmd: { 'cbvmda:lotNumber': lotNumber, 'cbvmda:itemExpirationDate': '2028-12-31' },
        });
      const box = sscc(1, lot, p * palletCases + c);
      manufacturer.push(aggregate('ADD', box, items, M));
      cases.push({ sscc: box, packs: items });
    }
    manufacturer.push(
      aggregate(
        'ADD',
        pallet,
        cases.map((c) => c.sscc),
        M,
      ),
    );
    const fate = p % 10;
    const distributor = DISTRIBUTORS[p % 2]!;
    if (fate >= 2) manufacturer.push(transfer([pallet], M, distributor.party, 'shipping', `INV-${lot}-${p}`));
    facts.packs += cases.reduce((n, c) => n + c.packs.length, 0);
    facts.events += manufacturer.length;
    yield { key: `m:${lot}:${p}`, by: MANUFACTURER, events: manufacturer };
    if (fate < 2) continue;

    const received: Capture['events'] = [
      transfer([pallet], M, distributor.party, 'receiving', `INV-${lot}-${p}`),
    ];
    if (fate >= 5) {
      received.push(aggregate('DELETE', pallet, [], distributor.party));
      cases.forEach((c, i) =>
        received.push(
          transfer([c.sscc], distributor.party, PHARMACIES[i % 6]!.party, 'shipping', `INV-${lot}-${p}-${i}`),
        ),
      );
    }
    facts.events += received.length;
    yield { key: `d:${lot}:${p}`, by: distributor, events: received };
    if (fate < 5) continue;

    for (const [i, c] of cases.entries()) {
      const pharmacy = PHARMACIES[i % 6]!;
      const events: Capture['events'] = [
        transfer([c.sscc], distributor.party, pharmacy.party, 'receiving', `INV-${lot}-${p}-${i}`),
      ];
      if (i % 2 === 0) {
        events.push(aggregate('DELETE', c.sscc, [], pharmacy.party));
        for (const item of c.packs.filter((_, k) => k % 10 < 3)) {
          events.push(observe([item], 'dispensing', 'dispensed', pharmacy.party));
          facts.dispensed += 1;
        }
      }
      facts.events += events.length;
      yield { key: `p:${lot}:${p}:${i}`, by: pharmacy, events };
    }
  }
}

/** The typed messages of one capture, as the serialization service's capture makes them (hash, capturer, context). */
export function messagesOf(
  capture: Capture,
  recordTime: string,
): Array<{ key: string; payload: EpcisEventMessage }> {
  const document = {
    '@context': EPCIS_CONTEXT_URI,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: recordTime,
    epcisBody: { eventList: capture.events },
  };
  const hashes = documentEventHashes(document);
  const namespaces = namespacesFromJsonLdContext(document['@context']);
  return capture.events.map((event, i) => ({
    key: capture.key,
    payload: {
      eventHash: hashes[i]!,
      captureId: capture.key,
      capturedBy: capture.by.party,
      capturedByRoles: capture.by.roles,
      capturedByGcps: capture.by.gcps,
      recordTime,
      namespaces,
      event: { ...event, recordTime, eventID: hashes[i]! } as EpcisEventMessage['event'],
    },
  }));
}

export async function inParallel<T>(
  items: T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

export const ms = (value: number) => Number(value.toFixed(1));
