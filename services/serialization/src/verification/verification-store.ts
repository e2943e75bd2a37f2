import type { Principal } from '@pedigree/auth';
import type { PackStatus } from '@pedigree/registry';
import type { CatalogueFacts } from './decisions';
import type { PackOperation, PackRecord } from './pack-view';

/** One verification or state change as recorded (who asked, where, when, and what was answered). */
export interface VerificationEntry {
  id: string;
  kind: 'vrs' | 'vrs-connectivity' | 'pack-verify' | 'pack-operation' | 'pack-undo' | 'scan';
  key?: string;
  gtin?: string;
  serial?: string;
  lot?: string;
  expiry?: string;
  party: string;
  subject: string;
  roles: readonly string[];
  location?: string;
  requesterGln?: string;
  context?: string;
  corrUuid?: string;
  purpose?: 'dispensing';
  verified?: boolean;
  returnCode?: string;
  alert: boolean;
  answer: Record<string, unknown>;
  at: Date;
}

export interface NewOperation {
  id: string;
  key: string;
  gtin: string;
  serial: string;
  operation: PackOperation;
  status: PackStatus;
  previousStatus: PackStatus;
  party: string;
  location: string;
  subject: string;
  performedAt: Date;
  eventHash: string;
  event: Record<string, unknown>;
}

/** The storage verification needs (a port: PostgreSQL in the service, an in-memory fake in unit tests). */
export interface VerificationStore {
  /** The registry row, the newest operation, suspicion and any expiry extension of one serial. */
  findPack(key: string): Promise<PackRecord>;
  /** Whether the GTIN has commissioned packs, and whether the lot is one of its lots (only asked for unknown serials). */
  catalogue(gtin: string, lot: string | undefined): Promise<CatalogueFacts>;
  /** Parties that supplied the pack or verified it for dispensing. */
  dispensingParties(key: string): Promise<string[]>;
  /** Records a verification now (state changes and dispensing verifications: later answers depend on them). */
  record(entry: VerificationEntry): Promise<void>;
  /** Records a verification without waiting (read-only verifications; written in batches). */
  recordLater(entry: VerificationEntry): void;
  saveOperation(operation: NewOperation): Promise<void>;
  markUndone(operationId: string, by: string, at: Date): Promise<void>;
  operationEvent(operationId: string): Promise<Record<string, unknown> | undefined>;
  markSuspect(
    key: string,
    reason: string,
    parties: string[],
    verificationId: string,
    at: Date,
  ): Promise<void>;
  saveExpiryExtension(extension: {
    gtin: string;
    lot: string;
    originalExpiry: string;
    extendedExpiry: string;
    announcedBy: string;
    at: Date;
  }): Promise<void>;
}

export const VERIFICATION_STORE = Symbol('VERIFICATION_STORE');

/** Captures an EPCIS event through the capture path (a port: CaptureService in the service). Returns its event hash. */
export interface EventCapturer {
  capture(event: Record<string, unknown>, principal: Principal): Promise<string>;
}

export const EVENT_CAPTURER = Symbol('EVENT_CAPTURER');
