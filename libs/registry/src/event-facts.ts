import { canonicalIdentifier, toBareCbvWord, type EpcisEvent } from '@pedigree/epcis';
import { partyGln } from '@pedigree/gs1';

export type IdentifierRole = 'epc' | 'parent' | 'child' | 'input' | 'output' | 'quantity' | 'childQuantity';

/** An identifier as an event names it, with the canonical key the registry and the EPC index use. */
export interface NamedIdentifier {
  /** Constrained canonical GS1 Digital Link (the event-hash form) for GS1 keys; the value itself otherwise. */
  key: string;
  value: string;
  role: IdentifierRole;
}

/** What the registry and the indexes need from an EPCIS event, in normalised form. */
export interface EventFacts {
  type: string;
  action?: string;
  bizStep?: string;
  disposition?: string;
  eventTime: Date;
  readPoint?: string;
  bizLocation?: string;
  identifiers: NamedIdentifier[];
  /** Lot and expiry from the ILMD (cbvmda:lotNumber, cbvmda:itemExpirationDate). */
  lot?: string;
  expiry?: string;
  /** Parties named in the source and destination lists, as GLNs where they are GS1 location/party keys. */
  sourceParties: string[];
  destinationParties: string[];
  /** The owning party the goods go to (destination `owning_party`), as a GLN. */
  destinationOwner?: string;
  errorDeclared: boolean;
}

const CBVMDA = [
  'cbvmda:',
  'urn:epcglobal:cbv:mda:',
  'urn:epcglobal:cbv:mda#',
  'https://ref.gs1.org/cbv/mda/',
];

function ilmdValue(ilmd: unknown, name: string): string | undefined {
  if (ilmd === null || typeof ilmd !== 'object') return undefined;
  for (const [key, value] of Object.entries(ilmd)) {
    if (
      CBVMDA.some((prefix) => key === prefix + name) &&
      (typeof value === 'string' || typeof value === 'number')
    ) {
      return String(value);
    }
  }
  return undefined;
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function named(values: string[], role: IdentifierRole): NamedIdentifier[] {
  return values.map((value) => ({ key: canonicalIdentifier(value), value, role }));
}

function quantityClasses(value: unknown, role: IdentifierRole): NamedIdentifier[] {
  if (!Array.isArray(value)) return [];
  return named(
    value.flatMap((q) =>
      q && typeof q === 'object' && typeof q.epcClass === 'string' ? [q.epcClass as string] : [],
    ),
    role,
  );
}

function parties(list: unknown, field: 'source' | 'destination'): Array<{ type: string; party: string }> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) =>
    entry && typeof entry === 'object' && typeof entry[field] === 'string'
      ? [
          {
            type: toBareCbvWord('sourceDestType', String(entry.type)),
            party: partyGln(entry[field] as string) ?? (entry[field] as string),
          },
        ]
      : [],
  );
}

export function eventFacts(event: EpcisEvent): EventFacts {
  const e = event as unknown as Record<string, unknown>;
  const identifiers = [
    ...named(list(e.epcList), 'epc'),
    ...named(typeof e.parentID === 'string' ? [e.parentID] : [], 'parent'),
    ...named(list(e.childEPCs), 'child'),
    ...named(list(e.inputEPCList), 'input'),
    ...named(list(e.outputEPCList), 'output'),
    ...quantityClasses(e.quantityList, 'quantity'),
    ...quantityClasses(e.inputQuantityList, 'quantity'),
    ...quantityClasses(e.outputQuantityList, 'quantity'),
    ...quantityClasses(e.childQuantityList, 'childQuantity'),
  ];
  const sources = parties(e.sourceList, 'source');
  const destinations = parties(e.destinationList, 'destination');
  return {
    type: String(e.type),
    action: typeof e.action === 'string' ? e.action : undefined,
    bizStep: typeof e.bizStep === 'string' ? toBareCbvWord('bizStep', e.bizStep) : undefined,
    disposition: typeof e.disposition === 'string' ? toBareCbvWord('disposition', e.disposition) : undefined,
    eventTime: new Date(String(e.eventTime)),
    readPoint: idOf(e.readPoint),
    bizLocation: idOf(e.bizLocation),
    identifiers,
    lot: ilmdValue(e.ilmd, 'lotNumber'),
    expiry: ilmdValue(e.ilmd, 'itemExpirationDate'),
    sourceParties: [...new Set(sources.map((s) => s.party))],
    destinationParties: [...new Set(destinations.map((d) => d.party))],
    destinationOwner: destinations.find((d) => d.type === 'owning_party')?.party,
    errorDeclared: e.errorDeclaration !== undefined,
  };
}

function idOf(value: unknown): string | undefined {
  return value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string'
    ? (value as { id: string }).id
    : undefined;
}

/** GTIN and serial of an instance key `https://id.gs1.org/01/{gtin}/21/{serial}`; SSCC containers have neither. */
export function itemOfKey(key: string): { gtin?: string; serial?: string; sscc?: string } {
  const item = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/21\/(.+)$/.exec(key);
  if (item) return { gtin: item[1], serial: decodeURIComponent(item[2]!) };
  const sscc = /^https:\/\/id\.gs1\.org\/00\/(\d{18})$/.exec(key);
  return sscc ? { sscc: sscc[1] } : {};
}
