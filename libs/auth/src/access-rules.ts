import {
  Gs1Error,
  lookupAi,
  parseAnyIdentifier,
  parseEpcUri,
  partyGln,
  type Gs1Element,
} from '@pedigree/gs1';
import type { Principal, Role } from './principal';

/**
 * The digits of a GS1 key from where its GS1 Company Prefix starts: the key without the GTIN indicator
 * digit, the SSCC extension digit or the GRAI filler digit (GS1 General Specifications §3). A company
 * prefix owns a key when these digits start with it. Accepts an EPC URI (also class and pattern URIs), a
 * GS1 Digital Link URI, an element string, or an AI and its value; undefined when there is no such key.
 */
export function companyPrefixDigits(identifier: string | Gs1Element): string | undefined {
  if (typeof identifier !== 'string') return keyDigits(identifier);
  try {
    if (identifier.startsWith('urn:epc:')) {
      const epc = parseEpcUri(identifier);
      const key = epc.elements.map(keyDigits).find((digits) => digits !== undefined);
      return key ?? (epc.companyPrefix === '*' ? undefined : epc.companyPrefix);
    }
    return parseAnyIdentifier(identifier)
      .elements.map(keyDigits)
      .find((digits) => digits !== undefined);
  } catch (error) {
    if (error instanceof Gs1Error) return undefined;
    throw error;
  }
}

function keyDigits({ ai, value }: Gs1Element): string | undefined {
  const offset = lookupAi(ai)?.gcpOffset;
  return offset === undefined ? undefined : value.slice(offset);
}

/** Does the GS1 key belong to one of the principal's company prefixes? False for anything that is not a GS1 key. */
export function ownsCompanyPrefix(
  principal: Pick<Principal, 'gcps'>,
  identifier: string | Gs1Element,
): boolean {
  const digits = companyPrefixDigits(identifier);
  return digits !== undefined && principal.gcps.some((gcp) => digits.startsWith(gcp));
}

/** Roles that see every party's data. */
const SEE_ALL_ROLES: readonly Role[] = ['regulator', 'admin'];

/**
 * Whether the principal sees every party's data (events, capture jobs, …): regulators and admins do. The one place
 * that decides it; everything else a party sees is its own or names it.
 */
export function seesEveryParty(principal: Pick<Principal, 'roles'>): boolean {
  return principal.roles.some((role) => SEE_ALL_ROLES.includes(role));
}

export interface EventParties {
  /** GLN (or party identifier) of the party whose principal captured the event. */
  capturedBy?: string;
  /** The event's `sourceList` party identifiers (any source type). */
  sourceParties?: readonly string[];
  /** The event's `destinationList` party identifiers (any destination type). */
  destinationParties?: readonly string[];
}

/**
 * Regulators and admins see every event; any other party sees the events it captured and those that
 * name it (its GLN, or an SGLN / PGLN of its GLN) as a source or destination party.
 */
export function canSeeEvent(principal: Pick<Principal, 'party' | 'roles'>, event: EventParties): boolean {
  if (seesEveryParty(principal)) return true;
  const parties = [event.capturedBy, ...(event.sourceParties ?? []), ...(event.destinationParties ?? [])];
  return parties.some((party) => party !== undefined && partyGln(party) === principal.party);
}
