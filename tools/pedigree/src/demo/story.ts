import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { withCheckDigit } from '@pedigree/gs1';

/**
 * The demo scenario of `pedigree demo load`: a believable supply chain, the same on every run (identifiers and times
 * are derived from the pack count only), so loading it twice stores every event once.
 */

export interface DemoParty {
  name: string;
  /** GLN of the party. */
  gln: string;
  /** GS1 company prefix it owns. */
  gcp: string;
  role: 'manufacturer' | 'distributor' | 'dispenser';
}

export interface DemoProduct {
  name: string;
  gtin: string;
  /** EPC URI company prefix and item reference of the GTIN (SGTIN: `urn:epc:id:sgtin:{gcp}.{itemRef}.{serial}`). */
  itemRef: string;
  refrigerated: boolean;
  lots: Array<{ lot: string; expiry: string }>;
}

const gln = (gcp: string, location: string) => withCheckDigit(`${gcp}${location}`);

export const MANUFACTURER: DemoParty = {
  name: 'Pedigree Demo Pharma',
  gln: gln('0614141', '00000'),
  gcp: '0614141',
  role: 'manufacturer',
};
export const DISTRIBUTORS: DemoParty[] = [
  { name: 'North Wholesale', gln: gln('4012345', '00000'), gcp: '4012345', role: 'distributor' },
  { name: 'South Wholesale', gln: gln('5012345', '00000'), gcp: '5012345', role: 'distributor' },
];
/** Six pharmacies, each a party of its own; the first three buy from the first distributor. */
export const PHARMACIES: DemoParty[] = [
  'Apotheke',
  'Chemist',
  'Farmacia',
  'Pharmacie',
  'Apteka',
  'Drugstore',
].map((name, i) => {
  const gcp = `95213${21 + i}`;
  return { name: `${name} ${i + 1}`, gln: gln(gcp, '00000'), gcp, role: 'dispenser' as const };
});

export const PRODUCTS: DemoProduct[] = [
  {
    name: 'Amoxicillin 500 mg capsules, 20',
    gtin: withCheckDigit('1061414107346'),
    itemRef: '107346',
    refrigerated: false,
    lots: [
      { lot: 'AMX2601', expiry: '2028-06-30' },
      { lot: 'AMX2602', expiry: '2028-09-30' },
    ],
  },
  {
    name: 'Insulin glargine 100 U/ml pen, 5',
    gtin: withCheckDigit('1061414107347'),
    itemRef: '107347',
    refrigerated: true,
    lots: [{ lot: 'INS2601', expiry: '2027-12-31' }],
  },
];

export const PACKS_PER_CASE = 50;
export const CASES_PER_PALLET = 20;

/** The lot the demo recalls (class II, to retail level) and why. */
export const RECALLED = {
  gtin: PRODUCTS[0]!.gtin,
  lot: PRODUCTS[0]!.lots[1]!.lot,
  reason: 'Demo: dissolution out of specification at the 12-month stability time point',
};

export interface DemoCapture {
  /** Which party captures the document. */
  by: DemoParty;
  /** What the events are, for progress lines. */
  what: string;
  events: Array<Record<string, unknown>>;
}

const sgln = (party: DemoParty) => `urn:epc:id:sgln:${party.gcp}.${party.gln.slice(party.gcp.length, 12)}.0`;
const pgln = (party: DemoParty) => `urn:epc:id:pgln:${party.gcp}.${party.gln.slice(party.gcp.length, 12)}`;
const sgtin = (product: DemoProduct, serial: string) =>
  `urn:epc:id:sgtin:${MANUFACTURER.gcp}.${product.itemRef}.${serial}`;
/** An SSCC of the manufacturer: extension digit, company prefix, a serial reference of 9 digits. */
const sscc = (extension: number, reference: number) =>
  `urn:epc:id:sscc:${MANUFACTURER.gcp}.${extension}${String(reference).padStart(9, '0')}`;

/** Event time `hours` after the story's start, 2026-10-01T06:00Z. */
const at = (hours: number) => new Date(Date.UTC(2026, 9, 1, 6) + hours * 3_600_000).toISOString();

function transfer(
  kind: 'shipping' | 'receiving',
  epcs: string[],
  from: DemoParty,
  to: DemoParty,
  hours: number,
  document: string,
): Record<string, unknown> {
  const shipping = kind === 'shipping';
  return {
    type: 'ObjectEvent',
    action: 'OBSERVE',
    eventTime: at(hours),
    eventTimeZoneOffset: '+00:00',
    epcList: epcs,
    bizStep: kind,
    disposition: shipping ? 'in_transit' : 'in_progress',
    readPoint: { id: sgln(shipping ? from : to) },
    bizLocation: shipping ? undefined : { id: sgln(to) },
    bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${from.gln}:${document}` }],
    sourceList: [{ type: 'owning_party', source: pgln(from) }],
    destinationList: [{ type: 'owning_party', destination: pgln(to) }],
  };
}

const aggregation = (
  action: 'ADD' | 'DELETE',
  parentID: string,
  childEPCs: string[],
  party: DemoParty,
  hours: number,
): Record<string, unknown> => ({
  type: 'AggregationEvent',
  action,
  eventTime: at(hours),
  eventTimeZoneOffset: '+00:00',
  parentID,
  childEPCs,
  bizStep: action === 'ADD' ? 'packing' : 'unpacking',
  disposition: action === 'ADD' ? 'in_progress' : 'sellable_accessible',
  readPoint: { id: sgln(party) },
  bizLocation: { id: sgln(party) },
});

export interface DemoCase {
  sscc: string;
  product: DemoProduct;
  lot: string;
  packs: string[];
  pharmacy: DemoParty;
}

/** A data logger's batch of readings (the `coldchain.readings.v1` payload of `POST /readings`). */
export interface DemoReadings {
  loggerId: string;
  /** The SSCC of the pallet the logger travels on. */
  subject: string;
  readings: Array<{ time: string; type: 'Temperature'; value: number; uom: 'CEL' }>;
}

export interface DemoStory {
  captures: DemoCapture[];
  cases: DemoCase[];
  pallets: Array<{ sscc: string; product: DemoProduct; cases: DemoCase[]; distributor: DemoParty }>;
  packCount: number;
  /** The packs the pharmacies dispense and destroy (EPC URIs). */
  dispensed: Set<string>;
  destroyed: Set<string>;
  /** A logger on each pallet of the refrigerated product, from shipping to receiving; the first one's truck warmed. */
  loggers: DemoReadings[];
}

/** Every 10 minutes from `fromHours` to `toHours`: 4.5–5.5 °C, or 16 °C for `warm` hours after the third. */
function loggerReadings(fromHours: number, toHours: number, warm: number): DemoReadings['readings'] {
  const readings: DemoReadings['readings'] = [];
  for (let minute = 0; fromHours + minute / 60 <= toHours; minute += 10) {
    const hour = minute / 60;
    const excursion = warm > 0 && hour >= 3 && hour < 3 + warm;
    const value = excursion ? 16 : 5 + 0.5 * Math.sin(minute / 90);
    readings.push({
      time: at(fromHours + hour),
      type: 'Temperature',
      value: Math.round(value * 10) / 10,
      uom: 'CEL',
    });
  }
  return readings;
}

/**
 * The whole story for `packs` packs (rounded up to whole pallets of the three lots): commissioning by case on the
 * line, packing into cases and pallets, pallets shipped to the two distributors and received, unpacked there, cases
 * shipped to the six pharmacies and received, unpacked; about 15 % of each pharmacy's packs dispensed and a few
 * destroyed as damaged.
 */
export function demoStory(packs: number): DemoStory {
  const lots = PRODUCTS.flatMap((product) => product.lots.map((lot) => ({ product, ...lot })));
  const perPallet = PACKS_PER_CASE * CASES_PER_PALLET;
  const palletsPerLot = Math.max(1, Math.ceil(packs / perPallet / lots.length));
  const cases: DemoCase[] = [];
  const pallets: DemoStory['pallets'] = [];
  const captures: DemoCapture[] = [];
  const dispensedPacks = new Set<string>();
  const destroyedPacks = new Set<string>();
  let caseNumber = 0;
  lots.forEach(({ product, lot, expiry }, lotIndex) => {
    for (let p = 0; p < palletsPerLot; p++) {
      const palletNumber = lotIndex * palletsPerLot + p;
      const palletCases: DemoCase[] = [];
      for (let c = 0; c < CASES_PER_PALLET; c++) {
        const pharmacy = PHARMACIES[(palletNumber % 2) * 3 + (c % 3)]!;
        const serials = Array.from(
          { length: PACKS_PER_CASE },
          (_, i) => `${lot}${String(caseNumber * PACKS_PER_CASE + i).padStart(7, '0')}`,
        );
        palletCases.push({
          sscc: sscc(0, caseNumber + 1),
          product,
          lot,
          packs: serials.map((serial) => sgtin(product, serial)),
          pharmacy,
        });
        caseNumber += 1;
      }
      cases.push(...palletCases);
      pallets.push({
        sscc: sscc(1, palletNumber + 1),
        product,
        cases: palletCases,
        distributor: DISTRIBUTORS[palletNumber % 2]!,
      });
    }
    const lotCases = cases.slice(-palletsPerLot * CASES_PER_PALLET);
    captures.push({
      by: MANUFACTURER,
      what: `commissioning of lot ${lot}`,
      events: lotCases.map((c, i) => ({
        type: 'ObjectEvent',
        action: 'ADD',
        eventTime: at(lotIndex * 24 + i * 0.01),
        eventTimeZoneOffset: '+00:00',
        epcList: c.packs,
        bizStep: 'commissioning',
        disposition: 'active',
        readPoint: { id: sgln(MANUFACTURER) },
        bizLocation: { id: sgln(MANUFACTURER) },
        ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': expiry },
      })),
    });
  });

  captures.push({
    by: MANUFACTURER,
    what: 'packing into cases and pallets',
    events: [
      ...cases.map((c, i) => aggregation('ADD', c.sscc, c.packs, MANUFACTURER, 72 + i * 0.01)),
      ...pallets.map((p, i) =>
        aggregation(
          'ADD',
          p.sscc,
          p.cases.map((c) => c.sscc),
          MANUFACTURER,
          96 + i * 0.1,
        ),
      ),
    ],
  });
  captures.push({
    by: MANUFACTURER,
    what: 'shipping pallets to the distributors',
    events: pallets.map((p, i) =>
      transfer('shipping', [p.sscc], MANUFACTURER, p.distributor, 120 + i * 0.1, `DA-${i + 1}`),
    ),
  });
  for (const distributor of DISTRIBUTORS) {
    const own = pallets.filter((p) => p.distributor === distributor);
    captures.push({
      by: distributor,
      what: `${distributor.name}: receiving and unpacking pallets, shipping cases to pharmacies`,
      events: [
        ...own.map((p, i) =>
          transfer(
            'receiving',
            [p.sscc],
            MANUFACTURER,
            distributor,
            144 + i * 0.1,
            `DA-${pallets.indexOf(p) + 1}`,
          ),
        ),
        ...own.map((p, i) => aggregation('DELETE', p.sscc, [], distributor, 150 + i * 0.1)),
        ...own.flatMap((p, i) =>
          p.cases.map((c, j) =>
            transfer(
              'shipping',
              [c.sscc],
              distributor,
              c.pharmacy,
              168 + i + j * 0.01,
              `${distributor.gcp}-${i}-${j}`,
            ),
          ),
        ),
      ],
    });
  }
  for (const pharmacy of PHARMACIES) {
    const own = cases.filter((c) => c.pharmacy === pharmacy);
    const dispensed = own.flatMap((c) => c.packs.filter((_, i) => i % 7 === 3));
    const destroyed = own.slice(0, 1).flatMap((c) => c.packs.slice(-2));
    for (const epc of dispensed) dispensedPacks.add(epc);
    for (const epc of destroyed) destroyedPacks.add(epc);
    const distributorOf = (c: DemoCase) => pallets.find((p) => p.cases.includes(c))!.distributor;
    captures.push({
      by: pharmacy,
      what: `${pharmacy.name}: receiving, unpacking, dispensing and destroying`,
      events: [
        ...own.map((c, i) =>
          transfer('receiving', [c.sscc], distributorOf(c), pharmacy, 192 + i * 0.01, `R-${c.sscc}`),
        ),
        ...own.map((c, i) => aggregation('DELETE', c.sscc, [], pharmacy, 200 + i * 0.01)),
        ...dispensed.map((epc, i) => ({
          type: 'ObjectEvent',
          action: 'OBSERVE',
          eventTime: at(240 + i * 0.05),
          eventTimeZoneOffset: '+00:00',
          epcList: [epc],
          bizStep: 'dispensing',
          disposition: 'dispensed',
          readPoint: { id: sgln(pharmacy) },
          bizLocation: { id: sgln(pharmacy) },
        })),
        ...destroyed.map((epc, i) => ({
          type: 'ObjectEvent',
          action: 'OBSERVE',
          eventTime: at(230 + i * 0.1),
          eventTimeZoneOffset: '+00:00',
          epcList: [epc],
          bizStep: 'destroying',
          disposition: 'destroyed',
          readPoint: { id: sgln(pharmacy) },
          bizLocation: { id: sgln(pharmacy) },
        })),
      ],
    });
  }
  const loggers = pallets
    .filter((p) => p.product.refrigerated)
    .map((p, i) => {
      const shipped = 120 + pallets.indexOf(p) * 0.1;
      return {
        loggerId: `DEMO-LOGGER-${String(i + 1).padStart(3, '0')}`,
        subject: p.sscc,
        readings: loggerReadings(shipped, shipped + 24, i === 0 ? 3 : 0),
      };
    });
  return {
    captures,
    loggers,
    cases,
    pallets,
    packCount: cases.length * PACKS_PER_CASE,
    dispensed: dispensedPacks,
    destroyed: destroyedPacks,
  };
}

/** An EPCIS 2.0 document of `events`, created at a fixed time so the same events give the same document. */
export function demoDocument(events: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    '@context': EPCIS_CONTEXT_URI,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-10-01T00:00:00Z',
    epcisBody: { eventList: events },
  };
}
