import type { CbvBizStep } from '@pedigree/epcis';
import type { EventFacts, IdentifierRole } from './event-facts';

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

/** Why a party may act on an object; undefined: it may not, and the event is an observation for that object. */
export type Authority = 'no-custody' | 'holder' | 'prefix-owner' | 'named-recipient';

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
 * May `party` perform `act` on an object in custody `custody` (undefined: the registry does not know the object)?
 * Evaluated in event order during the replay, so the answer depends on custody at that point of the history only.
 * - An object nobody holds yet has nothing to protect: any capturer may act (commissioning makes its capturer the
 *   holder and the prefix owner).
 * - The holder may do anything.
 * - The prefix owner (the party that commissioned it) may commission and decommission it again.
 * - A party a shipping named as destination may receive it.
 */
export function authority(
  custody: Custody | undefined,
  party: string,
  act: CustodyAct,
): Authority | undefined {
  if (custody?.owner === undefined) return 'no-custody';
  if (custody.owner === party) return 'holder';
  if ((act === 'commission' || act === 'decommission') && custody.commissionedBy === party)
    return 'prefix-owner';
  if (act === 'receive' && custody.shippedTo?.includes(party)) return 'named-recipient';
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
