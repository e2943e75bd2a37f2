import type { RegistryPack } from '../../src/verification/pack-view';
import type {
  NewOperation,
  VerificationEntry,
  VerificationStore,
} from '../../src/verification/verification-store';

/** A store implementation under test, with what the contract needs around the port. */
export interface StoreUnderTest {
  store: VerificationStore;
  /** Puts a registry row in place (the projector writes them; the port only reads them). */
  seedPack(pack: RegistryPack): Promise<void>;
  /** Waits until what was handed to `recordLater` is stored. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const GTIN = '10614141073464';
const OTHER_GTIN = '10614141099990';
const PHARMACY = '9521321000001';
const OTHER_PHARMACY = '4000001000005';
const key = (serial: string, gtin = GTIN) => `https://id.gs1.org/01/${gtin}/21/${serial}`;

function pack(serial: string, fields: Partial<RegistryPack> = {}): RegistryPack {
  return {
    key: key(serial),
    gtin: GTIN,
    serial,
    lot: 'L1',
    expiry: '2028-02-29',
    commissioned: true,
    status: 'active',
    statusEventHash: `ni:///sha-256;commission-${serial}`,
    statusChangedAt: new Date('2026-03-01T00:00:00.000Z'),
    ...fields,
  };
}

let sequence = 0;
function operation(serial: string, fields: Partial<NewOperation> = {}): NewOperation {
  sequence += 1;
  return {
    id: `op-${String(sequence).padStart(6, '0')}`,
    key: key(serial),
    gtin: GTIN,
    serial,
    operation: 'supply',
    status: 'dispensed',
    previousStatus: 'active',
    party: PHARMACY,
    location: PHARMACY,
    subject: 'pharmacist',
    performedAt: new Date('2026-11-25T12:00:00.000Z'),
    eventHash: `ni:///sha-256;op-${sequence}`,
    event: { type: 'ObjectEvent', action: 'OBSERVE', epcList: [key(serial)], n: sequence },
    ...fields,
  };
}

function entry(serial: string, fields: Partial<VerificationEntry> = {}): VerificationEntry {
  sequence += 1;
  return {
    id: `v-${String(sequence).padStart(6, '0')}`,
    kind: 'pack-verify',
    key: key(serial),
    gtin: GTIN,
    serial,
    party: PHARMACY,
    subject: 'pharmacist',
    roles: ['dispenser'],
    alert: false,
    answer: { returnCode: 'OK' },
    at: new Date('2026-11-25T12:00:00.000Z'),
    ...fields,
  };
}

/**
 * The behaviour every VerificationStore must have, run on the in-memory store (unit) and on the PostgreSQL store
 * (integration), so that the fake the service's unit tests use behaves as the real store does. Each test uses serials
 * of its own, so that one store may serve the whole suite.
 */
export function verificationStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} (VerificationStore contract)`, () => {
    let sut: StoreUnderTest;
    let store: VerificationStore;
    const serial = (() => {
      let n = 0;
      return () => `${name.replace(/\W/g, '')}-${process.pid}-${Date.now().toString(36)}-${++n}`;
    })();

    beforeAll(async () => {
      sut = await open();
      store = sut.store;
    });
    afterAll(() => sut.close());

    it('knows nothing of a serial it never saw', async () => {
      expect(await store.findPack(key(serial()))).toEqual({});
      expect(await store.dispensingParties(key(serial()))).toEqual([]);
    });

    it('reads back the registry row of a serial', async () => {
      const s = serial();
      const row = pack(s, { recallId: 'R-1', lot: undefined, expiry: undefined, status: 'recalled' });
      await sut.seedPack(row);
      expect(await store.findPack(key(s))).toEqual({ registry: row });
    });

    it('knows a product by its commissioned packs and a batch by any pack of the lot', async () => {
      const s = serial();
      await sut.seedPack(pack(s, { gtin: OTHER_GTIN, key: key(s, OTHER_GTIN), lot: `LOT-${s}` }));
      expect(await store.catalogue(OTHER_GTIN, `LOT-${s}`)).toEqual({ productKnown: true, batchKnown: true });
      expect(await store.catalogue(OTHER_GTIN, `OTHER-${s}`)).toEqual({
        productKnown: true,
        batchKnown: false,
      });
      expect(await store.catalogue(OTHER_GTIN, undefined)).toEqual({ productKnown: true, batchKnown: false });
      expect(await store.catalogue('10614141000002', `LOT-${s}`)).toEqual({
        productKnown: false,
        batchKnown: false,
      });
    });

    it('does not count a pack that was never commissioned as a known product', async () => {
      const s = serial();
      const gtin = '10614141088881';
      await sut.seedPack(pack(s, { gtin, key: key(s, gtin), commissioned: false, lot: `LOT-${s}` }));
      expect(await store.catalogue(gtin, `LOT-${s}`)).toEqual({ productKnown: false, batchKnown: true });
    });

    it('gives the newest operation of a pack, its event, and whether it was undone', async () => {
      const s = serial();
      const older = operation(s, {
        operation: 'lock',
        status: 'locked',
        performedAt: new Date('2026-11-25T10:00:00Z'),
      });
      const newer = operation(s, { performedAt: new Date('2026-11-25T11:00:00Z') });
      await store.saveOperation(newer);
      await store.saveOperation(older);
      expect((await store.findPack(key(s))).lastOperation).toEqual({
        id: newer.id,
        operation: 'supply',
        status: 'dispensed',
        previousStatus: 'active',
        party: PHARMACY,
        location: PHARMACY,
        performedAt: newer.performedAt,
        eventHash: newer.eventHash,
        undone: false,
      });
      expect(await store.operationEvent(older.id)).toEqual(older.event);
      expect(await store.operationEvent('no-such-operation')).toBeUndefined();

      await store.markUndone(newer.id, 'pharmacist', new Date('2026-11-25T11:30:00Z'));
      expect((await store.findPack(key(s))).lastOperation).toMatchObject({ id: newer.id, undone: true });
    });

    it('refuses to record the same operation twice', async () => {
      const op = operation(serial());
      await store.saveOperation(op);
      await expect(store.saveOperation(op)).rejects.toThrow();
    });

    it('names each party that supplied the pack (not undone) or verified it for dispensing, once', async () => {
      const s = serial();
      const supplied = operation(s);
      const undone = operation(s, { party: '4012345000009', location: '4012345000009' });
      await store.saveOperation(supplied);
      await store.saveOperation(undone);
      await store.markUndone(undone.id, 'someone', new Date('2026-11-25T13:00:00Z'));
      await store.saveOperation(
        operation(s, { operation: 'lock', status: 'locked', party: '5412345000013' }),
      );
      await store.record(entry(s, { purpose: 'dispensing' }));
      await store.record(entry(s, { purpose: 'dispensing', party: OTHER_PHARMACY }));
      await store.record(entry(s, { party: '5012345000004' }));
      expect((await store.dispensingParties(key(s))).sort()).toEqual([OTHER_PHARMACY, PHARMACY].sort());
    });

    it('stores what is recorded later, once each, by its id', async () => {
      const s = serial();
      const later = entry(s, { purpose: 'dispensing', party: OTHER_PHARMACY });
      store.recordLater(later);
      store.recordLater(later);
      await store.record(later);
      await sut.settle();
      expect(await store.dispensingParties(key(s))).toEqual([OTHER_PHARMACY]);
    });

    it('keeps the first reason of a suspect pack and gathers every party that made it suspect', async () => {
      const s = serial();
      const at = new Date('2026-11-25T12:00:00Z');
      await store.markSuspect(key(s), 'clone', [PHARMACY, OTHER_PHARMACY], 'v1', at);
      await store.markSuspect(key(s), 'other', [OTHER_PHARMACY, '5012345000004'], 'v2', at);
      const { suspect } = await store.findPack(key(s));
      expect(suspect?.reason).toBe('clone');
      expect([...(suspect?.parties ?? [])].sort()).toEqual(
        [OTHER_PHARMACY, PHARMACY, '5012345000004'].sort(),
      );
    });

    it('extends the expiry of the registered lot, keeping the original expiry of the first announcement', async () => {
      const s = serial();
      const lot = `LOT-${s}`;
      await sut.seedPack(pack(s, { lot, expiry: '2027-01-31' }));
      const announce = (extendedExpiry: string, originalExpiry = '2027-01-31') =>
        store.saveExpiryExtension({
          gtin: GTIN,
          lot,
          originalExpiry,
          extendedExpiry,
          announcedBy: '0614141000005',
          at: new Date('2026-11-25T12:00:00Z'),
        });
      await announce('2027-06-30');
      expect((await store.findPack(key(s))).expiryExtension).toEqual({
        originalExpiry: '2027-01-31',
        extendedExpiry: '2027-06-30',
      });
      await announce('2027-09-30', '2027-06-30');
      expect((await store.findPack(key(s))).expiryExtension).toEqual({
        originalExpiry: '2027-01-31',
        extendedExpiry: '2027-09-30',
      });
      const otherLot = serial();
      await sut.seedPack(pack(otherLot, { lot: `OTHER-${otherLot}` }));
      expect((await store.findPack(key(otherLot))).expiryExtension).toBeUndefined();
    });
  });
}
