import type { CbvBizStep, CbvDisposition } from '@pedigree/epcis';

/**
 * The state of a pack (or case, or pallet) in the serial registry. The vocabulary follows the EU FMD / NMVS pack
 * states, extended with what CBV dispositions can say about a container in the supply chain.
 */
export const PACK_STATUSES = [
  'active',
  'inactive',
  'in_transit',
  'dispensed',
  'destroyed',
  'decommissioned',
  'recalled',
  'stolen',
  'expired',
  'sample',
  'free_sample',
  'locked',
  'exported',
  'checked_out',
  'damaged',
  'non_sellable',
  'returned',
  'transformed',
  'quarantined',
  'rejected',
] as const;

export type PackStatus = (typeof PACK_STATUSES)[number];

/** CBV 2.0 dispositions → pack status. Dispositions that say nothing about the pack's state are absent. */
const BY_DISPOSITION: Readonly<Partial<Record<CbvDisposition, PackStatus>>> = {
  active: 'active',
  available: 'active',
  container_closed: 'active',
  container_open: 'active',
  encoded: 'inactive',
  inactive: 'inactive',
  in_progress: 'active',
  reserved: 'active',
  sellable_accessible: 'active',
  sellable_not_accessible: 'active',
  completeness_verified: 'active',
  completeness_inferred: 'active',
  conformant: 'active',
  in_transit: 'in_transit',
  dispensed: 'dispensed',
  partially_dispensed: 'dispensed',
  retail_sold: 'dispensed',
  destroyed: 'destroyed',
  disposed: 'destroyed',
  recalled: 'recalled',
  stolen: 'stolen',
  expired: 'expired',
  damaged: 'damaged',
  returned: 'returned',
  non_sellable_other: 'non_sellable',
  non_conformant: 'non_sellable',
  needs_replacement: 'non_sellable',
  mismatch_instance: 'non_sellable',
  mismatch_class: 'non_sellable',
  mismatch_quantity: 'non_sellable',
  no_pedigree_match: 'non_sellable',
  unavailable: 'non_sellable',
};

/**
 * Pedigree's own dispositions for the EU FMD pack states CBV 2.0 has no word for (EPCIS allows any URI as a
 * disposition). Pack operations (services/serialization/src/verification) capture them.
 */
export const PEDIGREE_DISPOSITIONS = {
  exported: 'urn:pedigree:disposition:exported',
  free_sample: 'urn:pedigree:disposition:free_sample',
  locked: 'urn:pedigree:disposition:locked',
  checked_out: 'urn:pedigree:disposition:checked_out',
  sample: 'urn:pedigree:disposition:sample',
  quarantined: 'urn:pedigree:disposition:quarantined',
  rejected: 'urn:pedigree:disposition:rejected',
} as const satisfies Partial<Record<PackStatus, string>>;
export type PedigreeDisposition = (typeof PEDIGREE_DISPOSITIONS)[keyof typeof PEDIGREE_DISPOSITIONS];

/**
 * Ends a hold (`quarantined`, `rejected`): the pack returns to the state the events during the hold would have given
 * it. It names no status of its own (docs/adr/0018-cold-chain-service.md).
 */
export const RELEASE_DISPOSITION = 'urn:pedigree:disposition:released';

/**
 * Holds: states only an admin's event (the cold-chain service captures its quarantines, rejections and releases with
 * the platform's authority) or a terminal state ends; while a pack is held, other events change only what it returns
 * to on release.
 */
export function isHold(status: PackStatus): boolean {
  return status === 'quarantined' || status === 'rejected';
}

const BY_PEDIGREE_DISPOSITION: Readonly<Record<string, PackStatus>> = Object.fromEntries(
  Object.entries(PEDIGREE_DISPOSITIONS).map(([status, uri]) => [uri, status as PackStatus]),
);

/** Business steps that imply a state when the event carries no disposition. */
const BY_BIZ_STEP: Readonly<Partial<Record<CbvBizStep, PackStatus>>> = {
  commissioning: 'active',
  decommissioning: 'decommissioned',
  destroying: 'destroyed',
  dispensing: 'dispensed',
  retail_selling: 'dispensed',
  shipping: 'in_transit',
  departing: 'in_transit',
  receiving: 'active',
  accepting: 'active',
  arriving: 'active',
  unpacking: 'active',
  sampling: 'sample',
};

/** The status an event gives the objects it names: disposition first, then business step; undefined = unchanged. */
export function statusFromEvent(
  disposition: string | undefined,
  bizStep: string | undefined,
): PackStatus | undefined {
  if (disposition !== undefined)
    return lookup(BY_DISPOSITION, disposition) ?? lookup(BY_PEDIGREE_DISPOSITION, disposition);
  return bizStep === undefined ? undefined : lookup(BY_BIZ_STEP, bizStep);
}

/** The status a vocabulary word maps to; own entries only (a word such as `constructor` maps to nothing). */
function lookup<K extends string>(
  map: Readonly<Partial<Record<K, PackStatus>>>,
  word: string,
): PackStatus | undefined {
  return Object.hasOwn(map, word) ? map[word as K] : undefined;
}

/** Terminal states: nothing in the supply chain may legitimately move or sell the pack any more. */
export function isTerminal(status: PackStatus): boolean {
  return ['dispensed', 'destroyed', 'decommissioned', 'stolen', 'exported', 'transformed'].includes(status);
}
