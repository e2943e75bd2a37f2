import type { Principal } from '@pedigree/auth';
import { PACK_OPERATION_NAMES } from '@pedigree/contracts';
import { MemoryVerificationStore } from '../../test/verification-store/memory-verification-store';
import { packKey, VerificationService } from './verification.service';
import type { CapturedEvent, EventCapturer } from './verification-store';

const GTIN = '10614141073464';
const pharmacy: Principal = { subject: 'p', party: '9521321000001', roles: ['dispenser'], gcps: [] };
const otherPharmacy: Principal = { subject: 'o', party: '4000001000005', roles: ['dispenser'], gcps: [] };

class FakeCapturer implements EventCapturer {
  readonly captured: Array<Record<string, unknown>> = [];
  prepare(
    event: Record<string, unknown>,
    _principal: Principal,
    capture: { captureId: string; key: string; recordTime: Date },
  ): CapturedEvent {
    this.captured.push(event);
    const eventHash = `ni:///sha-256;event-${this.captured.length}`;
    return {
      eventHash,
      message: {
        topic: 'epcis.events.v1',
        key: capture.key,
        envelope: {
          messageId: `m${this.captured.length}`,
          type: 'epcis.event.captured',
          envelopeVersion: 1,
          occurredAt: capture.recordTime.toISOString(),
          producer: 'test',
          payload: { eventHash, captureId: capture.captureId, event },
        },
      },
    };
  }
}

describe('VerificationService', () => {
  let store: MemoryVerificationStore;
  let capturer: FakeCapturer;
  let now: Date;
  let service: VerificationService;
  const key = packKey(GTIN, 'S1');
  const input = { gtin: GTIN, serial: 'S1', lot: 'L1', expiry: '2028-02-29' };

  beforeEach(() => {
    now = new Date('2026-11-25T12:00:00Z');
    store = new MemoryVerificationStore(() => now);
    capturer = new FakeCapturer();
    service = new VerificationService(store, capturer, { responderGln: '0614141000005' }, () => now);
    // The pharmacy received the pack: it holds it.
    store.registry.set(key, {
      key,
      gtin: GTIN,
      serial: 'S1',
      lot: 'L1',
      expiry: '2028-02-29',
      commissioned: true,
      status: 'active',
      statusEventHash: 'commission',
      statusChangedAt: new Date('2026-03-01T00:00:00Z'),
      owner: pharmacy.party,
    });
  });

  it.each([
    ['a wrong lot', { lot: 'WRONG' }, 'BATCH_MISMATCH', { expiry: '2028-02-29' }],
    ['a wrong expiry', { expiry: '2030-01-31' }, 'EXPIRY_MISMATCH', { lot: 'L1' }],
    ['a wrong lot and expiry', { lot: 'WRONG', expiry: '2030-01-31' }, 'BATCH_MISMATCH', {}],
    ['only GTIN and serial', { lot: undefined, expiry: undefined }, 'OK', {}],
  ])(
    'answers a verification with %s without the pack’s lot, expiry or state',
    async (_, claimed, code, echoed) => {
      const answer = await service.verifyPack({ ...input, ...claimed }, pharmacy);
      expect(answer.returnCode).toBe(code);
      expect(answer.pack).not.toHaveProperty('state');
      const { lot, expiry } = answer.pack as { lot?: string; expiry?: string };
      expect({ ...(lot !== undefined ? { lot } : {}), ...(expiry !== undefined ? { expiry } : {}) }).toEqual(
        echoed,
      );
    },
  );

  it('answers a matching verification with the lot and expiry sent, and the state', async () => {
    expect((await service.verifyPack(input, pharmacy)).pack).toMatchObject({
      lot: 'L1',
      expiry: '2028-02-29',
      state: 'active',
    });
  });

  it('keys packs by their canonical Digital Link, as the registry does', () => {
    expect(packKey(GTIN, 'A/B%')).toBe(`https://id.gs1.org/01/${GTIN}/21/A%2FB%25`);
  });

  it('captures a supply as an EPCIS dispensing event at the premises and answers the new state at once', async () => {
    const answer = await service.operate('supply', input, pharmacy);
    expect(answer).toMatchObject({
      returnCode: 'OK',
      applied: true,
      pack: { state: 'dispensed' },
      data: { verified: false },
    });
    expect(capturer.captured).toEqual([
      expect.objectContaining({
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'dispensing',
        disposition: 'dispensed',
        epcList: [`https://id.gs1.org/01/${GTIN}/21/S1`],
        bizLocation: { id: 'https://id.gs1.org/414/9521321000001' },
        eventTime: now.toISOString(),
      }),
    ]);
    expect((await service.verifyPack(input, pharmacy)).pack.state).toBe('dispensed');
    expect(store.entries.map((e) => [e.kind, e.returnCode])).toEqual([
      ['pack-operation', 'OK'],
      ['pack-verify', 'PACK_NOT_ACTIVE'],
    ]);
  });

  it('undoes by re-capturing the same event with an error declaration', async () => {
    await service.operate('lock', input, pharmacy);
    now = new Date(now.getTime() + 60_000);
    const answer = await service.undo(input, pharmacy, false);
    expect(answer).toMatchObject({ returnCode: 'OK', applied: true, pack: { state: 'active' } });
    expect(capturer.captured[1]).toEqual({
      ...capturer.captured[0],
      errorDeclaration: expect.objectContaining({
        reason: 'incorrect_data',
        declarationTime: now.toISOString(),
      }),
    });
    expect(store.operations[0]!.undone).toBe(true);
  });

  it('queues the event of an applied operation in its transaction, keyed by the pack, named by the operation', async () => {
    const supplied = await service.operate('supply', input, pharmacy);
    const undone = await service.undo(input, pharmacy, false);
    expect(store.outbox.map((m) => [m.key, (m.envelope.payload as { captureId: string }).captureId])).toEqual(
      [
        [key, supplied.verificationId],
        [key, undone.verificationId],
      ],
    );
  });

  it('times a pack operation after the one before it, even when the store clock has not moved', async () => {
    await service.operate('supply', input, pharmacy);
    await service.undo(input, pharmacy, false);
    await service.operate('supply', input, pharmacy);
    const times = store.operations.map((o) => o.performedAt.getTime());
    expect(times).toEqual([now.getTime(), now.getTime() + 2]);
    expect(store.operations[0]!.undoneAt!.getTime()).toBe(now.getTime() + 1);
    expect(capturer.captured[2]!.eventTime).not.toEqual(capturer.captured[0]!.eventTime);
  });

  it('captures nothing when an operation is refused', async () => {
    await service.operate('supply', input, pharmacy);
    const again = await service.operate('supply', input, pharmacy);
    expect(again).toMatchObject({
      returnCode: 'ALREADY_IN_STATE',
      applied: false,
      alert: { code: 'ALREADY_IN_STATE' },
    });
    expect(capturer.captured).toHaveLength(1);
    expect(store.outbox).toHaveLength(1);
  });

  it('marks a pack suspect when it is verified for dispensing at a second party, not when a wholesaler verifies it', async () => {
    await service.verifyPack(input, pharmacy);
    await service.verifyPack(input, { ...otherPharmacy, roles: ['distributor'] });
    expect(store.suspects.size).toBe(0);
    const second = await service.verifyPack(input, otherPharmacy);
    expect(second).toMatchObject({
      returnCode: 'SUSPECT_CLONE',
      pack: { suspect: true },
      data: { verified: true, additionalInfo: 'Suspect' },
    });
    expect(store.suspects.get(key)).toEqual(expect.arrayContaining([pharmacy.party, otherPharmacy.party]));
  });

  it('serialises concurrent operations on one pack: only one supply is applied', async () => {
    const answers = await Promise.all([
      service.operate('supply', input, pharmacy),
      service.operate('supply', input, pharmacy),
    ]);
    expect(answers.map((a) => a.returnCode).sort()).toEqual(['ALREADY_IN_STATE', 'OK']);
    expect(capturer.captured).toHaveLength(1);
  });

  it('answers the VRS message and records it with the requester', async () => {
    const response = await service.verifyVrs(
      {
        gtin: GTIN,
        lot: 'L1',
        serial: 'S1',
        exp: '280229',
        expiry: '2028-02-29',
        context: 'dscsaSaleableReturn',
        reqGLN: '4012345000009',
        corrUUID: 'c',
      },
      pharmacy,
      '0614141000005',
    );
    expect(response).toEqual({
      verificationTimestamp: now.toISOString(),
      responderGLN: '0614141000005',
      corrUUID: 'c',
      data: { verified: true },
    });
    expect(store.entries[0]).toMatchObject({
      kind: 'vrs',
      requesterGln: '4012345000009',
      verified: true,
      context: 'dscsaSaleableReturn',
    });
  });
});

describe('VerificationService: who may change a pack (docs/authorisation.md)', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const key = packKey(GTIN, 'S1');
  const input = { gtin: GTIN, serial: 'S1', lot: 'L1', expiry: '2028-02-29' };
  const wholesaler: Principal = {
    subject: 'w',
    party: '4012345000009',
    roles: ['distributor'],
    gcps: ['4012345'],
  };
  const PRINCIPALS: Record<string, Principal> = {
    holder: pharmacy,
    'unrelated party': otherPharmacy,
    'owner of the prefix': {
      subject: 'm',
      party: '0614141000005',
      roles: ['manufacturer'],
      gcps: ['0614141'],
    },
    regulator: { subject: 'r', party: '7654321000008', roles: ['regulator'], gcps: [] },
    admin: { subject: 'a', party: '5012345000008', roles: ['admin'], gcps: [] },
  };
  const EXPECTED: Record<string, string> = {
    holder: 'OK',
    'unrelated party': 'NOT_HOLDER',
    'owner of the prefix': 'NOT_HOLDER',
    regulator: 'NOT_HOLDER',
    // The registry follows an admin's events too: they carry the capturer's roles (docs/authorisation.md).
    admin: 'OK',
  };
  /** A commissioned pack the registry knows no holder of is the owner of its GTIN's company prefix's. */
  const EXPECTED_UNHELD: Record<string, string> = {
    ...EXPECTED,
    holder: 'NOT_HOLDER',
    'owner of the prefix': 'OK',
  };

  function setUp(owner: string | undefined) {
    const store = new MemoryVerificationStore(() => now);
    const capturer = new FakeCapturer();
    const service = new VerificationService(store, capturer, { responderGln: '0614141000005' }, () => now);
    store.registry.set(key, {
      key,
      gtin: GTIN,
      serial: 'S1',
      lot: 'L1',
      expiry: '2028-02-29',
      commissioned: true,
      status: 'active',
      statusEventHash: 'commission',
      statusChangedAt: new Date('2026-03-01T00:00:00Z'),
      ...(owner !== undefined ? { owner } : {}),
    });
    return { store, capturer, service };
  }

  /** Where each principal acts: its own GLN, except the admin, at the premises of the pack's holder. */
  const inputOf = (who: string) => (who === 'admin' ? { ...input, location: pharmacy.party } : input);

  const cases = PACK_OPERATION_NAMES.flatMap((operation) =>
    Object.keys(PRINCIPALS).map((who) => ({ operation, who, expected: EXPECTED[who]! })),
  );
  it.each(cases)('$operation by the $who: $expected', async ({ operation, who, expected }) => {
    const { capturer, service } = setUp(pharmacy.party);
    const answer = await service.operate(operation, inputOf(who), PRINCIPALS[who]!);
    expect(answer).toMatchObject({ returnCode: expected, applied: expected === 'OK' });
    expect(capturer.captured).toHaveLength(expected === 'OK' ? 1 : 0);
  });

  const unheldCases = PACK_OPERATION_NAMES.flatMap((operation) =>
    Object.keys(PRINCIPALS).map((who) => ({ operation, who, expected: EXPECTED_UNHELD[who]! })),
  );
  it.each(unheldCases)(
    '$operation of a pack nobody holds, by the $who: $expected',
    async ({ operation, who, expected }) => {
      const { capturer, service } = setUp(undefined);
      const answer = await service.operate(operation, inputOf(who), PRINCIPALS[who]!);
      expect(answer).toMatchObject({ returnCode: expected, applied: expected === 'OK' });
      expect(capturer.captured).toHaveLength(expected === 'OK' ? 1 : 0);
    },
  );

  it('refuses a non-holder before clone detection: it learns nothing of other parties’ supplies, and marks nothing', async () => {
    const { store, service } = setUp(pharmacy.party);
    await service.verifyPack(input, pharmacy);
    const answer = await service.operate('supply', input, otherPharmacy);
    expect(answer).toMatchObject({ returnCode: 'NOT_HOLDER', applied: false, pack: { suspect: false } });
    expect(store.suspects.has(key)).toBe(false);
    const holders = await service.operate('supply', input, pharmacy);
    expect(holders).toMatchObject({ returnCode: 'OK', applied: true });
  });

  it('refuses the holder at premises that are not its own, and accepts a GLN under its company prefix', async () => {
    const { capturer, service } = setUp(wholesaler.party);
    const elsewhere = await service.operate('destroy', { ...input, location: '0614141000005' }, wholesaler);
    expect(elsewhere).toMatchObject({ returnCode: 'NOT_OWN_PREMISES', applied: false });
    const own = await service.operate('destroy', { ...input, location: '4012345000016' }, wholesaler);
    expect(own).toMatchObject({ returnCode: 'OK', applied: true });
    expect(capturer.captured).toHaveLength(1);
  });

  it('refuses an undo asked at premises that are not the party’s own', async () => {
    const { service } = setUp(pharmacy.party);
    await service.operate('supply', input, pharmacy);
    const answer = await service.undo({ ...input, location: '4012345000009' }, pharmacy, false);
    expect(answer).toMatchObject({ returnCode: 'NOT_OWN_PREMISES', applied: false });
  });
});
