import { randomUUID } from 'node:crypto';
import type { Principal } from '@pedigree/auth';
import type { PackAnswer } from '@pedigree/contracts';
import { canonicalIdentifier } from '@pedigree/epcis';
import { formatDigitalLink } from '@pedigree/gs1';
import {
  cloneSignal,
  decideOperation,
  decideUndo,
  decideVerify,
  decideVrs,
  RETURN_CODES,
  type CatalogueFacts,
  type Claimed,
  type ReturnCode,
} from './decisions';
import { operationEvent } from './operation-events';
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
import type { VrsRequest, VrsResponse } from './vrs-request';
import type { EventCapturer, VerificationEntry, VerificationStore } from './verification-store';

/** A pack as scanned or typed: GTIN and serial, lot and ISO expiry when known, and the premises (GLN) of the requester. */
export interface PackInput {
  gtin: string;
  serial: string;
  lot?: string;
  expiry?: string;
  location?: string;
}

export type { PackAnswer };

export interface VerificationSettings {
  responderGln?: string;
}

/** Serialises work on one pack inside this process, so two operations on the same pack cannot interleave. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

export function packKey(gtin: string, serial: string): string {
  return canonicalIdentifier(
    formatDigitalLink([
      { ai: '01', value: gtin },
      { ai: '21', value: serial },
    ]),
  );
}

/**
 * Pack verification: the DSCSA VRS answer, EU FMD-style pack verification and state changes with undo, and clone
 * detection. Decisions are the plain functions of decisions.ts; this class reads and records through its ports.
 */
export class VerificationService {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly store: VerificationStore,
    private readonly capturer: EventCapturer,
    private readonly settings: VerificationSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async verifyVrs(request: VrsRequest, principal: Principal, responderGln: string): Promise<VrsResponse> {
    const now = this.clock();
    const key = packKey(request.gtin, request.serial);
    const record = await this.store.findPack(key);
    const data = decideVrs(record, { lot: request.lot, expiry: request.expiry }, now);
    const response: VrsResponse = {
      verificationTimestamp: now.toISOString(),
      responderGLN: responderGln,
      corrUUID: request.corrUUID,
      data,
    };
    this.store.recordLater({
      ...this.who(principal, 'vrs', now),
      key,
      gtin: request.gtin,
      serial: request.serial,
      lot: request.lot,
      expiry: request.expiry,
      requesterGln: request.reqGLN,
      context: request.context,
      corrUuid: request.corrUUID,
      verified: data.verified,
      alert: false,
      answer: {
        ...response,
        ...(request.ctrlPossessAtt !== undefined ? { ctrlPossessAtt: request.ctrlPossessAtt } : {}),
        ...(request.email ? { email: request.email } : {}),
        ...(request.telephone ? { telephone: request.telephone } : {}),
      },
    });
    return response;
  }

  recordConnectivity(
    principal: Principal,
    reqGLN: string,
    context: string | undefined,
    gtin: string | undefined,
  ): void {
    const now = this.clock();
    this.store.recordLater({
      ...this.who(principal, 'vrs-connectivity', now),
      gtin,
      requesterGln: reqGLN,
      context,
      alert: false,
      answer: {},
    });
  }

  /** Pack verification (NMVS "verify"). A dispenser's verification counts as verification for dispensing. */
  async verifyPack(
    input: PackInput,
    principal: Principal,
    kind: 'pack-verify' | 'scan' = 'pack-verify',
  ): Promise<PackAnswer> {
    const key = packKey(input.gtin, input.serial);
    return this.queue.run(key, async () => {
      const now = this.clock();
      const location = input.location ?? principal.party;
      const { record, catalogue } = await this.read(key, input);
      let code = decideVerify(record, input, catalogue);
      const forDispensing = principal.roles.includes('dispenser') && record.registry?.commissioned === true;
      const id = randomUUID();
      if (forDispensing && (await this.detectClone(key, principal.party, id, now))) {
        code = 'SUSPECT_CLONE';
        record.suspect = { reason: 'clone', parties: [principal.party] };
      }
      const answer = this.answer(id, now, 'verify', code, false, input, record);
      await this.store.record({
        ...this.entryOf(principal, kind, now, key, input, location, answer),
        ...(forDispensing ? { purpose: 'dispensing' as const } : {}),
      });
      return answer;
    });
  }

  /** A state change (supply, destroy, export, …): applied at once, captured as an EPCIS event, recorded. */
  async operate(operation: PackOperation, input: PackInput, principal: Principal): Promise<PackAnswer> {
    const key = packKey(input.gtin, input.serial);
    return this.queue.run(key, async () => {
      const now = this.clock();
      const location = input.location ?? principal.party;
      const { record, catalogue } = await this.read(key, input);
      const id = randomUUID();
      let code = decideOperation(operation, record, input, catalogue, now);
      const suppliedElsewhere =
        operation === 'supply' &&
        record.registry?.commissioned === true &&
        (await this.detectClone(key, principal.party, id, now));
      if (suppliedElsewhere) {
        code = 'SUSPECT_CLONE';
        record.suspect = { reason: 'clone', parties: [principal.party] };
      }
      const applied = code === 'OK';
      if (applied) {
        const previousStatus = currentStatus(record)!;
        const event = operationEvent(operation, {
          gtin: input.gtin,
          serial: input.serial,
          location,
          at: now,
        });
        const eventHash = await this.capturer.capture(event, principal);
        await this.store.saveOperation({
          id,
          key,
          gtin: input.gtin,
          serial: input.serial,
          operation,
          status: PACK_OPERATIONS[operation],
          previousStatus,
          party: principal.party,
          location,
          subject: principal.subject,
          performedAt: now,
          eventHash,
          event,
        });
        record.lastOperation = {
          id,
          operation,
          status: PACK_OPERATIONS[operation],
          previousStatus,
          party: principal.party,
          location,
          performedAt: now,
          eventHash,
          undone: false,
        };
      }
      const answer = this.answer(id, now, operation, code, applied, input, record);
      await this.store.record(this.entryOf(principal, 'pack-operation', now, key, input, location, answer));
      return answer;
    });
  }

  /** Reverts the operation in force to active (Regulation (EU) 2016/161 Art. 13), with an EPCIS error declaration. */
  async undo(input: PackInput, principal: Principal, suppliedToPublic: boolean): Promise<PackAnswer> {
    const key = packKey(input.gtin, input.serial);
    return this.queue.run(key, async () => {
      const now = this.clock();
      const location = input.location ?? principal.party;
      const { record } = await this.read(key, input);
      const id = randomUUID();
      const code = decideUndo(record, { party: principal.party, location }, suppliedToPublic, now);
      const applied = code === 'OK';
      if (applied) {
        const op = operationInForce(record)!;
        const event = await this.store.operationEvent(op.id);
        const declaration = {
          declarationTime: now.toISOString(),
          reason: 'incorrect_data',
          'rdfs:comment': `undo of pack operation ${op.id}`,
        };
        await this.capturer.capture({ ...event, errorDeclaration: declaration }, principal);
        await this.store.markUndone(op.id, principal.party, now);
        record.lastOperation = { ...op, undone: true };
      }
      const answer = this.answer(id, now, 'undo', code, applied, input, record);
      await this.store.record(this.entryOf(principal, 'pack-undo', now, key, input, location, answer));
      return answer;
    });
  }

  private async read(
    key: string,
    input: Claimed & { gtin: string },
  ): Promise<{ record: PackRecord; catalogue: CatalogueFacts }> {
    const record = await this.store.findPack(key);
    const known = record.registry?.commissioned === true;
    const catalogue = known
      ? { productKnown: true, batchKnown: true }
      : await this.store.catalogue(input.gtin, input.lot);
    return { record, catalogue };
  }

  /** A dispensing at this party of a pack supplied or verified for dispensing at another party: the pack turns suspect. */
  private async detectClone(key: string, party: string, verificationId: string, now: Date): Promise<boolean> {
    const parties = await this.store.dispensingParties(key);
    if (!cloneSignal(parties, party)) return false;
    await this.store.markSuspect(key, 'clone', [...new Set([...parties, party])], verificationId, now);
    return true;
  }

  private answer(
    id: string,
    now: Date,
    operation: PackAnswer['operation'],
    code: ReturnCode,
    applied: boolean,
    input: PackInput,
    record: PackRecord,
  ): PackAnswer {
    const { alert, message } = RETURN_CODES[code];
    const registry = record.registry;
    return {
      verificationId: id,
      verificationTimestamp: now.toISOString(),
      ...(this.settings.responderGln ? { responderGLN: this.settings.responderGln } : {}),
      operation,
      returnCode: code,
      message,
      applied,
      ...(alert ? { alert: { alertId: id, code } } : {}),
      pack: {
        gtin: input.gtin,
        serial: input.serial,
        ...(registry?.lot !== undefined ? { lot: registry.lot } : {}),
        ...(effectiveExpiry(record) !== undefined ? { expiry: effectiveExpiry(record) } : {}),
        ...(registry?.commissioned ? { state: currentStatus(record) } : {}),
        expired: registry?.commissioned === true && isExpired(record, now),
        recalled: isRecalled(record),
        suspect: record.suspect !== undefined,
      },
      data: decideVrs(record, input, now),
    };
  }

  private who(principal: Principal, kind: VerificationEntry['kind'], now: Date) {
    return {
      id: randomUUID(),
      kind,
      party: principal.party,
      subject: principal.subject,
      roles: principal.roles,
      at: now,
    };
  }

  private entryOf(
    principal: Principal,
    kind: VerificationEntry['kind'],
    now: Date,
    key: string,
    input: PackInput,
    location: string,
    answer: PackAnswer,
  ): VerificationEntry {
    return {
      ...this.who(principal, kind, now),
      id: answer.verificationId,
      key,
      gtin: input.gtin,
      serial: input.serial,
      lot: input.lot,
      expiry: input.expiry,
      location,
      verified: answer.data.verified,
      returnCode: answer.returnCode,
      alert: answer.alert !== undefined,
      answer: answer as unknown as Record<string, unknown>,
    };
  }
}
