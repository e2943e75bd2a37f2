import type { Principal } from '@pedigree/auth';
import type { OutboxMessage } from '@pedigree/service-runtime';
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

/** Reads and writes on one pack inside a transaction that holds the pack's lock (see VerificationStore.forPack). */
export interface PackTransaction {
  /** The registry row, the newest operation, suspicion and any expiry extension of one serial. */
  findPack(key: string): Promise<PackRecord>;
  /** Whether the GTIN has commissioned packs, and whether the lot is one of its lots (only asked for unknown serials). */
  catalogue(gtin: string, lot: string | undefined): Promise<CatalogueFacts>;
  /** Parties that supplied the pack or verified it for dispensing. */
  dispensingParties(key: string): Promise<string[]>;
  /** Records a verification (state changes and dispensing verifications: later answers depend on them). */
  record(entry: VerificationEntry): Promise<void>;
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
  /** Queues a captured event for publication: it is published once the transaction committed, never without it. */
  queueEvent(message: OutboxMessage): Promise<void>;
}

/** The storage verification needs (a port: PostgreSQL in the service, an in-memory fake in unit tests). */
export interface VerificationStore {
  /** The pack as last committed, read without a lock (VRS answers). */
  findPack(key: string): Promise<PackRecord>;
  /**
   * Runs `work` in one transaction holding the pack's lock, which every process of the service takes before reading
   * and changing the pack; `now` is the store's clock once the lock is held. Everything `work` writes commits
   * together, or nothing does when it throws.
   */
  forPack<T>(key: string, work: (tx: PackTransaction, now: Date) => Promise<T>): Promise<T>;
  /** Records a verification without waiting (read-only verifications; written in batches). */
  recordLater(entry: VerificationEntry): void;
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

/** An EPCIS event checked and hashed as capture does, and the outbox message that will publish it. */
export interface CapturedEvent {
  eventHash: string;
  message: OutboxMessage;
}

/**
 * Turns a pack operation's EPCIS event into what capture would publish (a port: CaptureService in the service).
 * `captureId` names the capture; `key` is the Kafka message key (the pack), so a pack's events stay in order.
 */
export interface EventCapturer {
  prepare(
    event: Record<string, unknown>,
    principal: Principal,
    capture: { captureId: string; key: string; recordTime: Date },
  ): CapturedEvent;
}

export const EVENT_CAPTURER = Symbol('EVENT_CAPTURER');
