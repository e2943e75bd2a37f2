import type { PackOperationName } from '@pedigree/contracts';
import type { PackStatus } from '@pedigree/registry';

/** The registry row of a serialised item, as verification reads it. */
export interface RegistryPack {
  key: string;
  gtin: string;
  serial: string;
  lot?: string;
  /** ISO date. */
  expiry?: string;
  commissioned: boolean;
  status: PackStatus;
  statusEventHash: string;
  statusChangedAt: Date;
  recallId?: string;
  /** The party holding the pack (owner or custodian) in the registry; undefined when nobody is known to hold it. */
  owner?: string;
}

/** The newest pack operation on the item (see pack_operations). */
export interface LastOperation {
  id: string;
  operation: PackOperation;
  status: PackStatus;
  previousStatus: PackStatus;
  party: string;
  location: string;
  performedAt: Date;
  eventHash: string;
  undone: boolean;
  undoneAt?: Date;
}

export interface ExpiryExtension {
  originalExpiry: string;
  extendedExpiry: string;
}

/** Everything verification knows about one serial: the registry, the pending operation, suspicion, extensions. */
export interface PackRecord {
  registry?: RegistryPack;
  lastOperation?: LastOperation;
  suspect?: { reason: string; parties: string[] };
  expiryExtension?: ExpiryExtension;
}

/** State changes a dispenser or wholesaler may set (EU FMD / NMVS decommissioning), and the status each gives. */
export const PACK_OPERATIONS = {
  supply: 'dispensed',
  destroy: 'destroyed',
  export: 'exported',
  sample: 'sample',
  'free-sample': 'free_sample',
  lock: 'locked',
  stolen: 'stolen',
  'check-out': 'checked_out',
} as const satisfies Record<PackOperationName, PackStatus>;
export type PackOperation = keyof typeof PACK_OPERATIONS;

export function isPackOperation(value: string): value is PackOperation {
  return Object.hasOwn(PACK_OPERATIONS, value);
}

/**
 * The pack's status now. The newest operation decides unless the registry holds a status change newer than it (an
 * event captured since): not undone, the status it set; undone, the status it replaced — even while the registry
 * still shows an earlier operation of the pack whose undo the projector has not folded yet. Otherwise the registry.
 */
export function currentStatus(record: PackRecord): PackStatus | undefined {
  const { registry, lastOperation: op } = record;
  const registryNewer =
    registry !== undefined &&
    registry.statusEventHash !== op?.eventHash &&
    (!op || registry.statusChangedAt > op.performedAt);
  if (op && !registryNewer) return op.undone ? op.previousStatus : op.status;
  return registry?.status;
}

/** The operation that set the current status, when the current status comes from an operation not undone. */
export function operationInForce(record: PackRecord): LastOperation | undefined {
  const op = record.lastOperation;
  if (!op || op.undone) return undefined;
  return currentStatus(record) === op.status ? op : undefined;
}

/** The expiry that applies: an extension replaces the original expiry of the lot. */
export function effectiveExpiry(record: PackRecord): string | undefined {
  const expiry = record.registry?.expiry;
  const extension = record.expiryExtension;
  if (extension && expiry === extension.originalExpiry) return extension.extendedExpiry;
  return expiry;
}

/** ISO date of `now` in UTC. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function isExpired(record: PackRecord, now: Date): boolean {
  const expiry = effectiveExpiry(record);
  return (expiry !== undefined && expiry < isoDay(now)) || currentStatus(record) === 'expired';
}

export function isRecalled(record: PackRecord): boolean {
  return record.registry?.recallId !== undefined || currentStatus(record) === 'recalled';
}
