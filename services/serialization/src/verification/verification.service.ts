import { randomUUID } from 'node:crypto';
import type { Principal } from '@pedigree/auth';
import type { PackAnswer } from '@pedigree/contracts';
import { canonicalIdentifier } from '@pedigree/epcis';
import { formatDigitalLink } from '@pedigree/gs1';
import {
  disclosure,
  cloneSignal,
  custodyProblem,
  decideOperation,
  decideUndo,
  decideVerify,
  decideVrs,
  notActiveMessage,
  premisesProblem,
  RETURN_CODES,
  type CatalogueFacts,
  type Claimed,
  type Operator,
  type ReturnCode,
} from './decisions';
import { operationEvent } from './operation-events';
import {
  currentStatus,
  isExpired,
  isRecalled,
  operationInForce,
  PACK_OPERATIONS,
  type PackOperation,
  type PackRecord,
} from './pack-view';
import type { VrsRequest, VrsResponse } from './vrs-request';
import type {
  EventCapturer,
  PackTransaction,
  VerificationEntry,
  VerificationStore,
} from './verification-store';

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

function operatorOf(principal: Principal, location: string): Operator {
  return {
    party: principal.party,
    location,
    gcps: principal.gcps,
    admin: principal.roles.includes('admin'),
  };
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
 * Each pack verification, operation and undo reads, decides and writes in one transaction holding the pack's lock, so
 * operations on one pack are applied one at a time whichever process of the service receives them.
 */
export class VerificationService {
  constructor(
    private readonly store: VerificationStore,
    private readonly capturer: EventCapturer,
    private readonly settings: VerificationSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async verifyVrs(request: VrsRequest, principal: Principal, responderGln: string): Promise<VrsResponse> {
    const { response, key, now } = await this.answerVrs(request, responderGln);
    const { data } = response;
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

  /** The VRS answer, read and decided without recording it (verifyVrs records it; the warm-up only reads). */
  async answerVrs(
    request: VrsRequest,
    responderGln: string,
  ): Promise<{ response: VrsResponse; key: string; now: Date }> {
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
    return { response, key, now };
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
    return this.store.forPack(key, async (tx, lockedAt) => {
      const location = input.location ?? principal.party;
      const { record, catalogue, now } = await this.read(tx, key, input, lockedAt);
      let code = decideVerify(record, input, catalogue);
      const forDispensing = principal.roles.includes('dispenser') && record.registry?.commissioned === true;
      const id = randomUUID();
      if (forDispensing && (await this.detectClone(tx, key, principal.party, id, now))) {
        code = 'SUSPECT_CLONE';
        record.suspect = { reason: 'clone', parties: [principal.party] };
      }
      const answer = this.answer(id, now, 'verify', code, false, input, record);
      await tx.record({
        ...this.entryOf(principal, kind, now, key, input, location, answer),
        ...(forDispensing ? { purpose: 'dispensing' as const } : {}),
      });
      return answer;
    });
  }

  /**
   * A state change (supply, destroy, export, …): applied at once, recorded, and captured as an EPCIS event that is
   * published once the operation is stored (the outbox).
   */
  async operate(operation: PackOperation, input: PackInput, principal: Principal): Promise<PackAnswer> {
    const key = packKey(input.gtin, input.serial);
    return this.store.forPack(key, async (tx, lockedAt) => {
      const location = input.location ?? principal.party;
      const { record, catalogue, now } = await this.read(tx, key, input, lockedAt);
      const id = randomUUID();
      const operator = operatorOf(principal, location);
      // Who and where first: a requester refused for them learns nothing more of the pack, and its request feeds no
      // clone detection.
      const refused = premisesProblem(operator) ?? custodyProblem(record, operator, input.gtin);
      let code = refused ?? decideOperation(operation, record, input, catalogue, now);
      const suppliedElsewhere =
        refused === undefined &&
        operation === 'supply' &&
        record.registry?.commissioned === true &&
        (await this.detectClone(tx, key, principal.party, id, now));
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
        const { eventHash, message } = this.capturer.prepare(event, principal, {
          captureId: id,
          key,
          recordTime: now,
        });
        await tx.saveOperation({
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
        await tx.queueEvent(message);
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
      await tx.record(this.entryOf(principal, 'pack-operation', now, key, input, location, answer));
      return answer;
    });
  }

  /** Reverts the operation in force to active (Regulation (EU) 2016/161 Art. 13), with an EPCIS error declaration. */
  async undo(input: PackInput, principal: Principal, suppliedToPublic: boolean): Promise<PackAnswer> {
    const key = packKey(input.gtin, input.serial);
    return this.store.forPack(key, async (tx, lockedAt) => {
      const location = input.location ?? principal.party;
      const { record, now } = await this.read(tx, key, input, lockedAt);
      const id = randomUUID();
      const code =
        premisesProblem(operatorOf(principal, location)) ??
        decideUndo(record, { party: principal.party, location }, suppliedToPublic, now);
      const applied = code === 'OK';
      if (applied) {
        const op = operationInForce(record)!;
        const event = await tx.operationEvent(op.id);
        const declaration = {
          declarationTime: now.toISOString(),
          reason: 'incorrect_data',
          'rdfs:comment': `undo of pack operation ${op.id}`,
        };
        const { message } = this.capturer.prepare({ ...event, errorDeclaration: declaration }, principal, {
          captureId: id,
          key,
          recordTime: now,
        });
        await tx.markUndone(op.id, principal.party, now);
        await tx.queueEvent(message);
        record.lastOperation = { ...op, undone: true, undoneAt: now };
      }
      const answer = this.answer(id, now, 'undo', code, applied, input, record);
      await tx.record(this.entryOf(principal, 'pack-undo', now, key, input, location, answer));
      return answer;
    });
  }

  /**
   * The pack as the lock holder sees it, and the time of the request: the store's clock once the lock is held, moved
   * past the pack's newest operation or undo when needed, so a pack's changes are ordered by time whichever process
   * made them, and two operations never make the same EPCIS event.
   */
  private async read(
    tx: PackTransaction,
    key: string,
    input: Claimed & { gtin: string },
    lockedAt: Date,
  ): Promise<{ record: PackRecord; catalogue: CatalogueFacts; now: Date }> {
    const record = await tx.findPack(key);
    const known = record.registry?.commissioned === true;
    const catalogue = known
      ? { productKnown: true, batchKnown: true }
      : await tx.catalogue(input.gtin, input.lot);
    const op = record.lastOperation;
    const newest = Math.max(op?.performedAt.getTime() ?? 0, op?.undoneAt?.getTime() ?? 0);
    const now = newest >= lockedAt.getTime() ? new Date(newest + 1) : lockedAt;
    return { record, catalogue, now };
  }

  /** A dispensing at this party of a pack supplied or verified for dispensing at another party: the pack turns suspect. */
  private async detectClone(
    tx: PackTransaction,
    key: string,
    party: string,
    verificationId: string,
    now: Date,
  ): Promise<boolean> {
    const parties = await tx.dispensingParties(key);
    if (!cloneSignal(parties, party)) return false;
    await tx.markSuspect(key, 'clone', [...new Set([...parties, party])], verificationId, now);
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
    const shown = disclosure(record, input, applied);
    return {
      verificationId: id,
      verificationTimestamp: now.toISOString(),
      ...(this.settings.responderGln ? { responderGLN: this.settings.responderGln } : {}),
      operation,
      returnCode: code,
      message:
        (code === 'PACK_NOT_ACTIVE' && shown.showState && notActiveMessage(currentStatus(record))) || message,
      applied,
      ...(alert ? { alert: { alertId: id, code } } : {}),
      pack: {
        gtin: input.gtin,
        serial: input.serial,
        ...(shown.lot !== undefined ? { lot: shown.lot } : {}),
        ...(shown.expiry !== undefined ? { expiry: shown.expiry } : {}),
        ...(shown.showState ? { state: currentStatus(record) } : {}),
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
