import { ownsCompanyPrefix } from '@pedigree/auth';
import type { PackReturnCode } from '@pedigree/contracts';
import type { PackStatus } from '@pedigree/registry';
import {
  currentStatus,
  effectiveExpiry,
  isExpired,
  isRecalled,
  operationInForce,
  PACK_OPERATIONS,
  type PackOperation,
  type PackRecord,
} from './pack-view';
import type { AdditionalInfo, VrsData } from './vrs-request';

/** What the requester says the pack carries (the 2D code): lot and ISO expiry, each optional for pack operations. */
export interface Claimed {
  lot?: string;
  expiry?: string;
}

/** States in which nothing in the supply chain may legitimately sell the pack again (DSCSA: not for re-distribution). */
const LEFT_THE_CHAIN: ReadonlySet<PackStatus> = new Set([
  'dispensed',
  'destroyed',
  'decommissioned',
  'exported',
  'transformed',
]);
/** States the manufacturer does not explain to a requester. */
const UNEXPLAINED: ReadonlySet<PackStatus> = new Set([
  'sample',
  'free_sample',
  'checked_out',
  'inactive',
  'damaged',
  'non_sellable',
]);

function identityMatches(record: PackRecord, claimed: Claimed): { lot: boolean; expiry: boolean } {
  const registry = record.registry!;
  const extension = record.expiryExtension;
  const lot = claimed.lot === undefined || registry.lot === undefined || registry.lot === claimed.lot;
  const expiry =
    claimed.expiry === undefined ||
    registry.expiry === undefined ||
    registry.expiry === claimed.expiry ||
    (extension !== undefined &&
      registry.expiry === extension.originalExpiry &&
      claimed.expiry === extension.extendedExpiry);
  return { lot, expiry };
}

/** What an answer may say of a pack's identity and state. */
export interface Disclosure {
  lot?: string;
  expiry?: string;
  showState: boolean;
}

/**
 * What an answer may say about the pack: only what the caller sent and the registry confirms. The lot and the expiry
 * are echoed when sent and matching; the state is shown only when the caller sent both and both match, or when the
 * caller's operation was applied (the caller set it). A mismatch, or a request with only GTIN and serial, reveals no
 * lot, expiry or state of the pack.
 */
export function disclosure(record: PackRecord, claimed: Claimed, applied: boolean): Disclosure {
  if (!isKnownSerial(record)) return { showState: false };
  const matches = identityMatches(record, claimed);
  return {
    ...(claimed.lot !== undefined && matches.lot ? { lot: claimed.lot } : {}),
    ...(claimed.expiry !== undefined && matches.expiry ? { expiry: claimed.expiry } : {}),
    showState:
      applied || (claimed.lot !== undefined && claimed.expiry !== undefined && matches.lot && matches.expiry),
  };
}

function isKnownSerial(record: PackRecord): boolean {
  return record.registry !== undefined && record.registry.commissioned;
}

/**
 * The answer of the DSCSA verification (GS1 Lightweight Messaging Standard): whether the product identifier matches a
 * commissioned pack, why not, and what else the manufacturer has to say about it. See docs/adr/0005.
 */
export function decideVrs(record: PackRecord, claimed: Claimed, now: Date): VrsData {
  if (!isKnownSerial(record)) return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' };
  const matches = identityMatches(record, claimed);
  if (!matches.lot && !matches.expiry)
    return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot_Expiry' };
  if (!matches.lot) return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot' };
  if (!matches.expiry) return { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Expiry' };

  const status = currentStatus(record)!;
  if (status === 'stolen')
    return {
      verified: false,
      verificationFailureReason: 'Not_for_re-distribution',
      additionalInfo: 'Illegitimate',
    };
  if (LEFT_THE_CHAIN.has(status)) {
    return record.suspect
      ? { verified: false, verificationFailureReason: 'Not_for_re-distribution', additionalInfo: 'Suspect' }
      : { verified: false, verificationFailureReason: 'Not_for_re-distribution' };
  }
  // A temperature excursion's hold (docs/adr/0018-cold-chain-service.md): quarantined until the manufacturer decides,
  // or rejected.
  if (status === 'rejected') return { verified: false, verificationFailureReason: 'Not_for_re-distribution' };
  if (status === 'locked' || status === 'quarantined')
    return { verified: false, verificationFailureReason: 'Manufacturer_policy' };
  if (UNEXPLAINED.has(status)) return { verified: false, verificationFailureReason: 'No_reason_provided' };

  const info = additionalInfo(record, now);
  return info ? { verified: true, additionalInfo: info } : { verified: true };
}

/** One value only (the message has one field): the most serious first. */
function additionalInfo(record: PackRecord, now: Date): AdditionalInfo | undefined {
  if (record.suspect) return 'Suspect';
  if (isRecalled(record)) return 'Recalled';
  if (isExpired(record, now)) return 'Expired';
  if (record.expiryExtension && record.registry?.expiry === record.expiryExtension.originalExpiry)
    return 'ExpirationExtended';
  return undefined;
}

/** NMVS-style return codes of pack verification and pack operations; `alert` ones are potential falsification. */
/** The message of a PACK_NOT_ACTIVE answer that may show the pack's state: it names a temperature excursion's hold. */
export function notActiveMessage(status: PackStatus | undefined): string | undefined {
  if (status === 'quarantined')
    return 'the pack is quarantined after a temperature excursion, pending the manufacturer’s decision';
  if (status === 'rejected') return 'the pack was rejected after a temperature excursion';
  return undefined;
}

export const RETURN_CODES = {
  OK: { alert: false, message: 'done' },
  PACK_NOT_ACTIVE: { alert: false, message: 'the pack is not active' },
  UNKNOWN_PRODUCT_CODE: { alert: true, message: 'the product code (GTIN) is unknown' },
  UNKNOWN_BATCH: { alert: true, message: 'the batch is unknown for this product code' },
  UNKNOWN_SERIAL: { alert: true, message: 'the serial number is unknown for this product code' },
  BATCH_MISMATCH: { alert: true, message: 'the batch does not match the pack’s batch' },
  EXPIRY_MISMATCH: { alert: true, message: 'the expiry date does not match the pack’s expiry date' },
  ALREADY_IN_STATE: { alert: true, message: 'the pack is already in the requested state' },
  STATE_CHANGE_NOT_ALLOWED: { alert: true, message: 'the pack is no longer active; its state cannot change' },
  SUSPECT_CLONE: {
    alert: true,
    message: 'the same serial was supplied or verified for dispensing at another party: the pack is suspect',
  },
  PACK_EXPIRED: { alert: false, message: 'the pack has expired' },
  PACK_RECALLED: { alert: false, message: 'the pack is recalled or withdrawn' },
  UNDO_NOTHING_TO_UNDO: { alert: false, message: 'no operation of this pack can be undone' },
  UNDO_OTHER_PARTY: { alert: true, message: 'the operation was performed by another party' },
  UNDO_OTHER_PREMISES: { alert: true, message: 'the operation was performed at other premises' },
  UNDO_TOO_LATE: { alert: false, message: 'the operation is more than 10 days old' },
  UNDO_EXPIRED: { alert: false, message: 'the pack has expired: it cannot return to active' },
  UNDO_RECALLED: { alert: false, message: 'the pack is recalled or withdrawn: it cannot return to active' },
  UNDO_NOT_REVERSIBLE: { alert: false, message: 'a destroyed or stolen pack cannot return to active' },
  UNDO_SUPPLIED_TO_PUBLIC: {
    alert: false,
    message: 'the pack was supplied to the public: it cannot return to active',
  },
  NOT_HOLDER: {
    alert: true,
    message: 'the pack is held by another party: only its holder may change its state',
  },
  NOT_OWN_PREMISES: { alert: false, message: 'the location is not one of the requesting party’s premises' },
} as const satisfies Record<PackReturnCode, { alert: boolean; message: string }>;
export type ReturnCode = keyof typeof RETURN_CODES;

/** What verification knows besides the pack itself, for unknown serials. */
export interface CatalogueFacts {
  productKnown: boolean;
  batchKnown: boolean;
}

/** NMVS-style identity check of a scanned pack: unknown product, batch or serial, or batch/expiry mismatch. */
export function identityProblem(
  record: PackRecord,
  claimed: Claimed,
  catalogue: CatalogueFacts,
): ReturnCode | undefined {
  if (!isKnownSerial(record)) {
    if (!catalogue.productKnown) return 'UNKNOWN_PRODUCT_CODE';
    if (claimed.lot !== undefined && !catalogue.batchKnown) return 'UNKNOWN_BATCH';
    return 'UNKNOWN_SERIAL';
  }
  const matches = identityMatches(record, claimed);
  if (!matches.lot) return 'BATCH_MISMATCH';
  if (!matches.expiry) return 'EXPIRY_MISMATCH';
  return undefined;
}

/** States from which a pack may still be decommissioned (NMVS "active"). */
const ACTIVE: ReadonlySet<PackStatus> = new Set([
  'active',
  'in_transit',
  'returned',
  'recalled',
  'expired',
  'damaged',
  'non_sellable',
]);
/** Operations that put the pack in a patient's or a market's hands: refused for expired, recalled or suspect packs. */
const RELEASING: ReadonlySet<PackOperation> = new Set([
  'supply',
  'export',
  'sample',
  'free-sample',
  'check-out',
]);

export function isActive(record: PackRecord): boolean {
  const status = currentStatus(record);
  return status !== undefined && ACTIVE.has(status);
}

/** Whether a pack verification at this party is a clone signal: the pack was supplied or verified for dispensing elsewhere. */
export function cloneSignal(dispensingParties: readonly string[], party: string): boolean {
  return dispensingParties.some((other) => other !== party);
}

/** The answer to a pack verification (before any clone signal). */
export function decideVerify(record: PackRecord, claimed: Claimed, catalogue: CatalogueFacts): ReturnCode {
  const problem = identityProblem(record, claimed, catalogue);
  if (problem) return problem;
  if (record.suspect) return 'SUSPECT_CLONE';
  return isActive(record) ? 'OK' : 'PACK_NOT_ACTIVE';
}

/** Whether a state change may be applied (NMVS decommissioning rules). */
export function decideOperation(
  operation: PackOperation,
  record: PackRecord,
  claimed: Claimed,
  catalogue: CatalogueFacts,
  now: Date,
): ReturnCode {
  const problem = identityProblem(record, claimed, catalogue);
  if (problem) return problem;
  const status = currentStatus(record);
  if (status === PACK_OPERATIONS[operation]) return 'ALREADY_IN_STATE';
  if (!isActive(record)) return 'STATE_CHANGE_NOT_ALLOWED';
  if (RELEASING.has(operation)) {
    if (record.suspect) return 'SUSPECT_CLONE';
    if (isRecalled(record)) return 'PACK_RECALLED';
    if (isExpired(record, now)) return 'PACK_EXPIRED';
  }
  return 'OK';
}

export const UNDO_WINDOW_MS = 10 * 24 * 60 * 60 * 1000;

/** Who asks for a state change or an undo, and where (docs/authorisation.md). */
export interface Operator {
  party: string;
  /** GLN of the premises the request names (the party's own GLN when the request names none). */
  location: string;
  /** The operator's GS1 company prefixes. */
  gcps: readonly string[];
  admin: boolean;
}

/** Codes refusing a request for who or where it is (answered 403), rather than for the pack's state (409). */
export const FORBIDDEN_CODES: ReadonlySet<ReturnCode> = new Set(['NOT_HOLDER', 'NOT_OWN_PREMISES']);

/**
 * A party acts only at its own premises: its own GLN, or a GLN under one of its GS1 company prefixes (there is no
 * register of parties' locations yet). Admins may name any location.
 */
export function premisesProblem(operator: Operator): ReturnCode | undefined {
  if (operator.admin || operator.location === operator.party) return undefined;
  return ownsCompanyPrefix(operator, { ai: '414', value: operator.location })
    ? undefined
    : 'NOT_OWN_PREMISES';
}

/**
 * Only the pack's holder in the registry changes its state, or an admin; a commissioned pack the registry knows no
 * holder of is its brand owner's (the owner of the GTIN's company prefix). The registry's fold applies the same rule
 * to the event the operation captures (libs/registry, custody.ts), which records the capturer's roles and company
 * prefixes. A serial that is not commissioned is left to the identity check (UNKNOWN_SERIAL).
 */
export function custodyProblem(
  record: PackRecord,
  operator: Pick<Operator, 'party' | 'gcps' | 'admin'>,
  gtin: string,
): ReturnCode | undefined {
  if (operator.admin || record.registry?.commissioned !== true) return undefined;
  const owner = record.registry.owner;
  if (owner !== undefined) return owner === operator.party ? undefined : 'NOT_HOLDER';
  return ownsCompanyPrefix(operator, { ai: '01', value: gtin }) ? undefined : 'NOT_HOLDER';
}

/** Who asks for an undo, and where. */
export interface Actor {
  party: string;
  location: string;
}

/**
 * Whether the operation in force may be undone (the pack returns to active), per Regulation (EU) 2016/161 Art. 13(1):
 * same party and premises, within 10 days, not expired, not recalled or withdrawn, not destroyed or stolen, and not
 * supplied to the public (the requester declares it).
 */
export function decideUndo(
  record: PackRecord,
  actor: Actor,
  suppliedToPublic: boolean,
  now: Date,
): ReturnCode {
  if (!isKnownSerial(record)) return 'UNKNOWN_SERIAL';
  const op = operationInForce(record);
  if (!op) return 'UNDO_NOTHING_TO_UNDO';
  if (op.party !== actor.party) return 'UNDO_OTHER_PARTY';
  if (op.location !== actor.location) return 'UNDO_OTHER_PREMISES';
  if (now.getTime() - op.performedAt.getTime() > UNDO_WINDOW_MS) return 'UNDO_TOO_LATE';
  if (op.operation === 'destroy' || op.operation === 'stolen') return 'UNDO_NOT_REVERSIBLE';
  if (isRecalled(record)) return 'UNDO_RECALLED';
  const expiry = effectiveExpiry(record);
  if (expiry !== undefined && expiry < now.toISOString().slice(0, 10)) return 'UNDO_EXPIRED';
  if (suppliedToPublic) return 'UNDO_SUPPLIED_TO_PUBLIC';
  return 'OK';
}
