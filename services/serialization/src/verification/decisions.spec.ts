import {
  decideOperation,
  decideUndo,
  decideVerify,
  decideVrs,
  notActiveMessage,
  identityProblem,
  UNDO_WINDOW_MS,
} from './decisions';
import { currentStatus, type LastOperation, type PackRecord, type RegistryPack } from './pack-view';
import { parseVrsRequest, VrsRequestError } from './vrs-request';

const NOW = new Date('2026-11-25T12:00:00Z');
const KNOWN = { productKnown: true, batchKnown: true };

function registry(overrides: Partial<RegistryPack> = {}): RegistryPack {
  return {
    key: 'https://id.gs1.org/01/10614141073464/21/S1',
    gtin: '10614141073464',
    serial: 'S1',
    lot: 'L1',
    expiry: '2028-02-29',
    commissioned: true,
    status: 'active',
    statusEventHash: 'ni:///sha-256;commission',
    statusChangedAt: new Date('2026-03-01T07:00:00Z'),
    ...overrides,
  };
}

function operation(overrides: Partial<LastOperation> = {}): LastOperation {
  return {
    id: 'op-1',
    operation: 'supply',
    status: 'dispensed',
    previousStatus: 'active',
    party: '9521321000001',
    location: '9521321000001',
    performedAt: new Date('2026-11-24T12:00:00Z'),
    eventHash: 'ni:///sha-256;supply',
    undone: false,
    ...overrides,
  };
}

const claimed = { lot: 'L1', expiry: '2028-02-29' };

describe('decideVrs', () => {
  it.each<[string, PackRecord, object, object]>([
    ['an active pack', { registry: registry() }, claimed, { verified: true }],
    [
      'an unknown serial',
      {},
      claimed,
      { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' },
    ],
    [
      'a serial never commissioned',
      { registry: registry({ commissioned: false }) },
      claimed,
      { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' },
    ],
    [
      'another lot',
      { registry: registry() },
      { ...claimed, lot: 'L2' },
      { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot' },
    ],
    [
      'another expiry',
      { registry: registry() },
      { ...claimed, expiry: '2028-02-28' },
      { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Expiry' },
    ],
    [
      'both',
      { registry: registry() },
      { lot: 'L2', expiry: '2028-02-28' },
      { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot_Expiry' },
    ],
    [
      'a dispensed pack',
      { registry: registry({ status: 'dispensed' }) },
      claimed,
      { verified: false, verificationFailureReason: 'Not_for_re-distribution' },
    ],
    [
      'a stolen pack',
      { registry: registry({ status: 'stolen' }) },
      claimed,
      {
        verified: false,
        verificationFailureReason: 'Not_for_re-distribution',
        additionalInfo: 'Illegitimate',
      },
    ],
    [
      'a locked pack',
      { registry: registry({ status: 'locked' }) },
      claimed,
      { verified: false, verificationFailureReason: 'Manufacturer_policy' },
    ],
    [
      'a pack quarantined after a temperature excursion',
      { registry: registry({ status: 'quarantined' }) },
      claimed,
      { verified: false, verificationFailureReason: 'Manufacturer_policy' },
    ],
    [
      'a pack rejected after a temperature excursion',
      { registry: registry({ status: 'rejected' }) },
      claimed,
      { verified: false, verificationFailureReason: 'Not_for_re-distribution' },
    ],
    [
      'a free sample',
      { registry: registry({ status: 'free_sample' }) },
      claimed,
      { verified: false, verificationFailureReason: 'No_reason_provided' },
    ],
    [
      'a recalled pack',
      { registry: registry({ recallId: 'R1' }) },
      claimed,
      { verified: true, additionalInfo: 'Recalled' },
    ],
    [
      'an expired pack',
      { registry: registry({ expiry: '2026-11-24' }) },
      { ...claimed, expiry: '2026-11-24' },
      { verified: true, additionalInfo: 'Expired' },
    ],
    [
      'a pack expiring today',
      { registry: registry({ expiry: '2026-11-25' }) },
      { ...claimed, expiry: '2026-11-25' },
      { verified: true },
    ],
    [
      'a suspect pack',
      { registry: registry({ recallId: 'R1' }), suspect: { reason: 'clone', parties: [] } },
      claimed,
      { verified: true, additionalInfo: 'Suspect' },
    ],
    [
      'a suspect dispensed pack',
      { registry: registry({ status: 'dispensed' }), suspect: { reason: 'clone', parties: [] } },
      claimed,
      { verified: false, verificationFailureReason: 'Not_for_re-distribution', additionalInfo: 'Suspect' },
    ],
    [
      'an extended expiry, asked with the original date',
      {
        registry: registry({ expiry: '2026-10-31' }),
        expiryExtension: { originalExpiry: '2026-10-31', extendedExpiry: '2027-10-31' },
      },
      { ...claimed, expiry: '2026-10-31' },
      { verified: true, additionalInfo: 'ExpirationExtended' },
    ],
    [
      'an extended expiry, asked with the new date',
      {
        registry: registry({ expiry: '2026-10-31' }),
        expiryExtension: { originalExpiry: '2026-10-31', extendedExpiry: '2027-10-31' },
      },
      { ...claimed, expiry: '2027-10-31' },
      { verified: true, additionalInfo: 'ExpirationExtended' },
    ],
  ])('answers %s', (_name, record, asked, expected) => {
    expect(decideVrs(record, asked, NOW)).toEqual(expected);
  });

  it('answers from a pending operation before the projector folded it, and from the replaced status after an undo', () => {
    expect(decideVrs({ registry: registry(), lastOperation: operation() }, claimed, NOW)).toMatchObject({
      verificationFailureReason: 'Not_for_re-distribution',
    });
    const foldedThenUndone = {
      registry: registry({ status: 'dispensed', statusEventHash: 'ni:///sha-256;supply' }),
      lastOperation: operation({ undone: true }),
    };
    expect(currentStatus(foldedThenUndone)).toBe('active');
    // Supplied, undone, supplied again and undone again: the projector has folded the first supply only.
    const earlierSupplyFolded = {
      registry: registry({
        status: 'dispensed',
        statusEventHash: 'ni:///sha-256;first-supply',
        statusChangedAt: new Date('2026-11-24T11:00:00Z'),
      }),
      lastOperation: operation({ undone: true }),
    };
    expect(currentStatus(earlierSupplyFolded)).toBe('active');
    expect(
      currentStatus({
        registry: registry({
          status: 'destroyed',
          statusEventHash: 'x',
          statusChangedAt: new Date('2026-11-25T00:00:00Z'),
        }),
        lastOperation: operation(),
      }),
    ).toBe('destroyed');
  });
});

describe('pack operations (NMVS-style)', () => {
  it('names the identity problem: unknown product, batch, serial; batch and expiry mismatch', () => {
    expect(identityProblem({}, claimed, { productKnown: false, batchKnown: false })).toBe(
      'UNKNOWN_PRODUCT_CODE',
    );
    expect(identityProblem({}, claimed, { productKnown: true, batchKnown: false })).toBe('UNKNOWN_BATCH');
    expect(identityProblem({}, {}, { productKnown: true, batchKnown: false })).toBe('UNKNOWN_SERIAL');
    expect(identityProblem({}, claimed, KNOWN)).toBe('UNKNOWN_SERIAL');
    expect(identityProblem({ registry: registry() }, { lot: 'L2' }, KNOWN)).toBe('BATCH_MISMATCH');
    expect(identityProblem({ registry: registry() }, { expiry: '2028-02-01' }, KNOWN)).toBe(
      'EXPIRY_MISMATCH',
    );
    expect(identityProblem({ registry: registry() }, {}, KNOWN)).toBeUndefined();
  });

  it('verifies active, not active and suspect packs', () => {
    expect(decideVerify({ registry: registry() }, claimed, KNOWN)).toBe('OK');
    expect(decideVerify({ registry: registry({ status: 'destroyed' }) }, claimed, KNOWN)).toBe(
      'PACK_NOT_ACTIVE',
    );
    expect(
      decideVerify({ registry: registry(), suspect: { reason: 'clone', parties: [] } }, claimed, KNOWN),
    ).toBe('SUSPECT_CLONE');
    for (const status of ['quarantined', 'rejected'] as const)
      expect(decideVerify({ registry: registry({ status }) }, claimed, KNOWN)).toBe('PACK_NOT_ACTIVE');
  });

  it('names a temperature excursion’s hold in the message of a not-active answer', () => {
    expect(notActiveMessage('quarantined')).toMatch(/quarantined after a temperature excursion/);
    expect(notActiveMessage('rejected')).toMatch(/rejected after a temperature excursion/);
    expect(notActiveMessage('destroyed')).toBeUndefined();
  });

  it('applies a state change only to an active pack, not twice, and does not release expired, recalled or suspect packs', () => {
    expect(decideOperation('supply', { registry: registry() }, claimed, KNOWN, NOW)).toBe('OK');
    expect(
      decideOperation('supply', { registry: registry({ status: 'dispensed' }) }, claimed, KNOWN, NOW),
    ).toBe('ALREADY_IN_STATE');
    expect(
      decideOperation('destroy', { registry: registry({ status: 'dispensed' }) }, claimed, KNOWN, NOW),
    ).toBe('STATE_CHANGE_NOT_ALLOWED');
    expect(decideOperation('supply', { registry: registry({ recallId: 'R' }) }, claimed, KNOWN, NOW)).toBe(
      'PACK_RECALLED',
    );
    expect(
      decideOperation('export', { registry: registry({ expiry: '2026-01-31' }) }, { lot: 'L1' }, KNOWN, NOW),
    ).toBe('PACK_EXPIRED');
    expect(
      decideOperation(
        'destroy',
        { registry: registry({ expiry: '2026-01-31', recallId: 'R' }) },
        { lot: 'L1' },
        KNOWN,
        NOW,
      ),
    ).toBe('OK');
    expect(
      decideOperation(
        'sample',
        { registry: registry(), suspect: { reason: 'clone', parties: [] } },
        claimed,
        KNOWN,
        NOW,
      ),
    ).toBe('SUSPECT_CLONE');
    expect(
      decideOperation(
        'lock',
        { registry: registry(), suspect: { reason: 'clone', parties: [] } },
        claimed,
        KNOWN,
        NOW,
      ),
    ).toBe('OK');
  });
});

describe('decideUndo (Regulation (EU) 2016/161 Art. 13)', () => {
  const actor = { party: '9521321000001', location: '9521321000001' };
  const supplied = (
    overrides: Partial<LastOperation> = {},
    pack: Partial<RegistryPack> = {},
  ): PackRecord => ({
    registry: registry(pack),
    lastOperation: operation(overrides),
  });

  it.each<[string, PackRecord, Partial<typeof actor>, boolean, string]>([
    ['allowed', supplied(), {}, false, 'OK'],
    ['nothing in force', { registry: registry() }, {}, false, 'UNDO_NOTHING_TO_UNDO'],
    ['already undone', supplied({ undone: true }), {}, false, 'UNDO_NOTHING_TO_UNDO'],
    ['another party', supplied(), { party: '4012345000009' }, false, 'UNDO_OTHER_PARTY'],
    ['other premises', supplied(), { location: '9521321000025' }, false, 'UNDO_OTHER_PREMISES'],
    [
      'after 10 days',
      supplied({ performedAt: new Date(NOW.getTime() - UNDO_WINDOW_MS - 1) }),
      {},
      false,
      'UNDO_TOO_LATE',
    ],
    ['exactly 10 days', supplied({ performedAt: new Date(NOW.getTime() - UNDO_WINDOW_MS) }), {}, false, 'OK'],
    ['expired', supplied({}, { expiry: '2026-11-24' }), {}, false, 'UNDO_EXPIRED'],
    ['recalled', supplied({}, { recallId: 'R' }), {}, false, 'UNDO_RECALLED'],
    ['destroyed', supplied({ operation: 'destroy', status: 'destroyed' }), {}, false, 'UNDO_NOT_REVERSIBLE'],
    ['stolen', supplied({ operation: 'stolen', status: 'stolen' }), {}, false, 'UNDO_NOT_REVERSIBLE'],
    ['supplied to the public', supplied(), {}, true, 'UNDO_SUPPLIED_TO_PUBLIC'],
    ['an unknown pack', {}, {}, false, 'UNKNOWN_SERIAL'],
  ])('%s', (_name, record, who, toPublic, expected) => {
    expect(decideUndo(record, { ...actor, ...who }, toPublic, NOW)).toBe(expected);
  });
});

describe('parseVrsRequest', () => {
  const contexts = new Set(['dscsaSaleableReturn']);
  const query = {
    exp: '280200',
    linkType: 'verificationService',
    context: 'dscsaSaleableReturn',
    reqGLN: '4012345000009',
    corrUUID: '0b5a3d1c-6f1e-4c8a-9d2b-1a2b3c4d5e6f',
  };
  const request = (
    overrides: Record<string, string | undefined> = {},
    gtin = '10614141073464',
    version?: string,
  ) =>
    parseVrsRequest(
      { gtin, lot: 'L1', serial: 'S1', query: { ...query, ...overrides }, version },
      contexts,
      NOW,
    );

  it('resolves the expiry (DD=00 is the last day of the month) and keeps the 1.3 requester fields', () => {
    expect(
      request({ ctrlPossessAtt: 'true', email: 'a@b.example', telephone: '+1 555 0100' }, undefined, '1.3.0'),
    ).toMatchObject({
      expiry: '2028-02-29',
      ctrlPossessAtt: true,
      email: 'a@b.example',
      telephone: '+1 555 0100',
    });
  });

  it.each([
    ['a wrong GTIN check digit', () => request({}, '10614141073465'), 'gtin'],
    ['a malformed date', () => request({ exp: '281301' }), 'exp'],
    ['a missing date', () => request({ exp: undefined }), 'exp'],
    ['an unknown context', () => request({ context: 'dscsaOther' }), 'context'],
    ['another link type', () => request({ linkType: 'pip' }), 'linkType'],
    ['a bad reqGLN', () => request({ reqGLN: '4012345000008' }), 'reqGLN'],
    ['a bad corrUUID', () => request({ corrUUID: '123' }), 'corrUUID'],
    ['an unknown parameter', () => request({ foo: 'bar' }), 'foo'],
    ['an unsupported version', () => request({}, undefined, '2.0'), 'GS1US-Version'],
  ])('refuses %s', (_name, parse, parameter) => {
    expect(parse).toThrow(VrsRequestError);
    try {
      parse();
    } catch (error) {
      expect((error as VrsRequestError).parameter).toBe(parameter);
    }
  });
});
