import {
  canonicalIdentifier,
  toBareCbvWord,
  type EpcisEvent,
  type Ilmd,
  type QuantityElement,
} from '@pedigree/epcis';
import { partyGln } from '@pedigree/gs1';

export type IdentifierRole =
  | 'epc'
  | 'parent'
  | 'child'
  | 'input'
  | 'output'
  | 'quantity'
  | 'childQuantity'
  | 'inputQuantity'
  | 'outputQuantity';

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

function ilmdValue(ilmd: Ilmd | undefined, name: string): string | undefined {
  if (ilmd === undefined) return undefined;
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

function named(values: readonly string[] | undefined, role: IdentifierRole): NamedIdentifier[] {
  return (values ?? []).map((value) => ({ key: canonicalIdentifier(value), value, role }));
}

function quantityClasses(quantities: readonly QuantityElement[] | undefined, role: IdentifierRole) {
  return named(
    quantities?.map((q) => q.epcClass),
    role,
  );
}

function parties(
  entries: ReadonlyArray<{ type: string; party: string }> | undefined,
): Array<{ type: string; party: string }> {
  return (entries ?? []).map(({ type, party }) => ({
    type: toBareCbvWord('sourceDestType', type),
    party: partyGln(party) ?? party,
  }));
}

export function eventFacts(event: EpcisEvent): EventFacts {
  const identifiers = [
    ...named('epcList' in event ? event.epcList : undefined, 'epc'),
    ...named('parentID' in event && event.parentID !== undefined ? [event.parentID] : undefined, 'parent'),
    ...named('childEPCs' in event ? event.childEPCs : undefined, 'child'),
    ...named('inputEPCList' in event ? event.inputEPCList : undefined, 'input'),
    ...named('outputEPCList' in event ? event.outputEPCList : undefined, 'output'),
    ...quantityClasses('quantityList' in event ? event.quantityList : undefined, 'quantity'),
    ...quantityClasses('inputQuantityList' in event ? event.inputQuantityList : undefined, 'inputQuantity'),
    ...quantityClasses(
      'outputQuantityList' in event ? event.outputQuantityList : undefined,
      'outputQuantity',
    ),
    ...quantityClasses('childQuantityList' in event ? event.childQuantityList : undefined, 'childQuantity'),
  ];
  const sources = parties(event.sourceList?.map((s) => ({ type: s.type, party: s.source })));
  const destinations = parties(event.destinationList?.map((d) => ({ type: d.type, party: d.destination })));
  const ilmd = 'ilmd' in event ? event.ilmd : undefined;
  return {
    type: event.type,
    action: 'action' in event ? event.action : undefined,
    bizStep: event.bizStep === undefined ? undefined : toBareCbvWord('bizStep', event.bizStep),
    disposition:
      event.disposition === undefined ? undefined : toBareCbvWord('disposition', event.disposition),
    eventTime: new Date(event.eventTime),
    readPoint: event.readPoint?.id,
    bizLocation: event.bizLocation?.id,
    identifiers,
    lot: ilmdValue(ilmd, 'lotNumber'),
    expiry: ilmdValue(ilmd, 'itemExpirationDate'),
    sourceParties: [...new Set(sources.map((s) => s.party))],
    destinationParties: [...new Set(destinations.map((d) => d.party))],
    destinationOwner: destinations.find((d) => d.type === 'owning_party')?.party,
    errorDeclared: event.errorDeclaration !== undefined,
  };
}

/** GTIN and serial of an instance key `https://id.gs1.org/01/{gtin}/21/{serial}`; SSCC containers have neither. */
export function itemOfKey(key: string): { gtin?: string; serial?: string; sscc?: string } {
  const item = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/21\/(.+)$/.exec(key);
  if (item) return { gtin: item[1], serial: decodeURIComponent(item[2]!) };
  const sscc = /^https:\/\/id\.gs1\.org\/00\/(\d{18})$/.exec(key);
  return sscc ? { sscc: sscc[1] } : {};
}
