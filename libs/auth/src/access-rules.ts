import { companyPrefixDigits, partyGln, type Gs1Element } from '@pedigree/gs1';
import type { Principal, Role } from './principal';

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
