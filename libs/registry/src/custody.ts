import type { CbvBizStep } from '@pedigree/epcis';
import { companyPrefixDigits } from '@pedigree/gs1';
import { itemOfKey, type EventFacts, type IdentifierRole } from './event-facts';

/**
 * What an event does to one object it names, for the purpose of deciding who may do it (docs/authorisation.md):
 * - `commission`: brings it into existence (ObjectEvent ADD, TransformationEvent output);
 * - `decommission`: takes it out of the supply chain as its brand owner may (ObjectEvent DELETE, bizStep
 *   decommissioning);
 * - `receive`: takes custody of it (bizStep receiving or accepting);
 * - `change`: anything else that changes its state, place, packing or custody.
 */
export type CustodyAct = 'commission' | 'decommission' | 'receive' | 'change';

/** Who holds an object in the registry, and what that depends on. */
export interface Custody {
  /** The party that holds it (owner or custodian), if the registry knows one. */
  owner?: string;
  /**
   * The party that commissioned it. Capture lets a party commission identifiers only under its own GS1 company
   * prefixes (services/serialization/src/capture/capture-policy.ts), so this is the owner of the prefix.
   */
  commissionedBy?: string;
  /** The parties the newest shipping that took effect named as destinations, until one receives it. */
  shippedTo?: readonly string[];
}

/**
 * Who captured an event: its party, and what its token carried. `gcps` is undefined for an event captured before
 * Pedigree recorded the capturer's company prefixes and roles (such an event is judged as it was then: on an object
 * nobody holds, it applies).
 */
export interface Capturer {
  party: string;
  admin: boolean;
  gcps?: readonly string[];
}

/** Why a party may act on an object; undefined: it may not, and the event is an observation for that object. */
export type Authority =
  'admin' | 'no-custody' | 'company-prefix' | 'holder' | 'prefix-owner' | 'named-recipient';

const RECEIVING_STEPS: ReadonlySet<string> = new Set(['receiving', 'accepting'] satisfies CbvBizStep[]);
const SHIPPING_STEPS: ReadonlySet<string> = new Set(['shipping', 'departing'] satisfies CbvBizStep[]);

export function isReceiving(facts: Pick<EventFacts, 'bizStep'>): boolean {
  return facts.bizStep !== undefined && RECEIVING_STEPS.has(facts.bizStep);
}

export function isShipping(facts: Pick<EventFacts, 'bizStep'>): boolean {
  return facts.bizStep !== undefined && SHIPPING_STEPS.has(facts.bizStep);
}

/** The act an event performs on an object it names in `role`. */
export function custodyAct(
  facts: Pick<EventFacts, 'type' | 'action' | 'bizStep'>,
  role: IdentifierRole,
): CustodyAct {
  if (facts.type === 'TransformationEvent') return role === 'output' ? 'commission' : 'change';
  if (facts.type === 'ObjectEvent' && facts.action === 'ADD') return 'commission';
  if ((facts.type === 'ObjectEvent' && facts.action === 'DELETE') || facts.bizStep === 'decommissioning')
    return 'decommission';
  if (isReceiving(facts)) return 'receive';
  return 'change';
}

/**
 * The company prefix digits of a registry key. Pack and SSCC keys (the canonical Digital Links the event facts write)
 * are read by their pattern, which costs about a hundredth of parsing the link again — the replay asks for every
 * object nobody holds yet, i.e. for every pack a commissioning names.
 */
function keyPrefixDigits(key: string): string | undefined {
  const { gtin, sscc } = itemOfKey(key);
  if (gtin !== undefined) return companyPrefixDigits({ ai: '01', value: gtin });
  if (sscc !== undefined) return companyPrefixDigits({ ai: '00', value: sscc });
  return companyPrefixDigits(key);
}

/**
 * May `capturer` perform `act` on the object `key` in custody `custody` (undefined: the registry does not know the
 * object)? Evaluated in event order during the replay, so the answer depends on custody at that point of the history
 * only (docs/authorisation.md).
 * - An admin may do anything.
 * - An object nobody holds yet (never commissioned or received) is its brand owner's: only the owner of the GS1 company
 *   prefix of its key (GTIN, SSCC, …) may act on it (commissioning makes that party the holder). An identifier that is
 *   no GS1 key has no such owner, and an event captured before company prefixes were recorded cannot tell: then any
 *   capturer may act.
 * - The holder may do anything.
 * - The prefix owner (the party that commissioned it) may commission and decommission it again.
 * - A party a shipping named as destination may receive it.
 */
export function authority(
  custody: Custody | undefined,
  key: string,
  capturer: Capturer,
  act: CustodyAct,
): Authority | undefined {
  if (capturer.admin) return 'admin';
  if (custody?.owner === undefined) {
    const digits = keyPrefixDigits(key);
    if (digits === undefined || capturer.gcps === undefined) return 'no-custody';
    return capturer.gcps.some((gcp) => digits.startsWith(gcp)) ? 'company-prefix' : undefined;
  }
  if (custody.owner === capturer.party) return 'holder';
  if ((act === 'commission' || act === 'decommission') && custody.commissionedBy === capturer.party)
    return 'prefix-owner';
  if (act === 'receive' && custody.shippedTo?.includes(capturer.party)) return 'named-recipient';
  return undefined;
}

/**
 * The party on whose behalf a capturer acts on an object, or undefined when it may not act (the event is an
 * observation for that object). The capturer acts for itself when it has `authority`; otherwise for a party that had
 * appointed it as agent when the event was recorded (`appointedBy`, docs/authorisation.md) and that holds the object,
 * or — for a receiving — that a shipping named as recipient. An agent acts only on objects someone holds: it never
 * commissions for its principal, nor takes an object nobody holds.
 */
export function actingParty(
  custody: Custody | undefined,
  key: string,
  capturer: Capturer,
  act: CustodyAct,
  appointedBy: readonly string[] = [],
): string | undefined {
  if (authority(custody, key, capturer, act) !== undefined) return capturer.party;
  if (custody?.owner === undefined || appointedBy.length === 0) return undefined;
  if (appointedBy.includes(custody.owner)) return custody.owner;
  if (act === 'receive') return custody.shippedTo?.find((party) => appointedBy.includes(party));
  return undefined;
}

/**
 * Is an error declaration honoured for an event `capturedBy` captured? Only from the party that captured the event, or
 * from an admin (the capture message says whether the declarer's token carried the role). A declaration by anyone
 * else retracts nothing.
 */
export function honoursErrorDeclaration(
  capturedBy: string,
  declarer: { party: string; admin: boolean },
): boolean {
  return declarer.admin || capturedBy === declarer.party;
}
