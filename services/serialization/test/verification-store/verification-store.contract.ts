import type { RegistryPack } from '../../src/verification/pack-view';
import type {
  NewOperation,
  PackTransaction,
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

/** Each PackTransaction method as a transaction of its own on the store (forPack), for tests of one call at a time. */
function oneCallPerTransaction(store: VerificationStore): PackTransaction {
  const run = <T>(key: string, work: (tx: PackTransaction) => Promise<T>) =>
    store.forPack(key, (tx) => work(tx));
  return {
    findPack: (key) => run(key, (tx) => tx.findPack(key)),
    catalogue: (gtin, lot) => run(gtin, (tx) => tx.catalogue(gtin, lot)),
    dispensingParties: (key) => run(key, (tx) => tx.dispensingParties(key)),
    record: (entry) => run(entry.key ?? entry.id, (tx) => tx.record(entry)),
    saveOperation: (operation) => run(operation.key, (tx) => tx.saveOperation(operation)),
    markUndone: (id, by, at) => run(id, (tx) => tx.markUndone(id, by, at)),
    operationEvent: (id) => run(id, (tx) => tx.operationEvent(id)),
    markSuspect: (key, reason, parties, verificationId, at) =>
      run(key, (tx) => tx.markSuspect(key, reason, parties, verificationId, at)),
    queueEvent: (message) => run(message.key, (tx) => tx.queueEvent(message)),
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
    let tx: PackTransaction;
    const serial = (() => {
      let n = 0;
      return () => `${name.replace(/\W/g, '')}-${process.pid}-${Date.now().toString(36)}-${++n}`;
    })();

    beforeAll(async () => {
      sut = await open();
      store = sut.store;
      tx = oneCallPerTransaction(store);
    });
    afterAll(() => sut.close());

    it('knows nothing of a serial it never saw', async () => {
      expect(await store.findPack(key(serial()))).toEqual({});
      expect(await tx.dispensingParties(key(serial()))).toEqual([]);
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
      expect(await tx.catalogue(OTHER_GTIN, `LOT-${s}`)).toEqual({ productKnown: true, batchKnown: true });
      expect(await tx.catalogue(OTHER_GTIN, `OTHER-${s}`)).toEqual({
        productKnown: true,
        batchKnown: false,
      });
      expect(await tx.catalogue(OTHER_GTIN, undefined)).toEqual({ productKnown: true, batchKnown: false });
      expect(await tx.catalogue('10614141000002', `LOT-${s}`)).toEqual({
        productKnown: false,
        batchKnown: false,
      });
    });

    it('does not count a pack that was never commissioned as a known product', async () => {
      const s = serial();
      const gtin = '10614141088881';
      await sut.seedPack(pack(s, { gtin, key: key(s, gtin), commissioned: false, lot: `LOT-${s}` }));
      expect(await tx.catalogue(gtin, `LOT-${s}`)).toEqual({ productKnown: false, batchKnown: true });
    });

    it('gives the newest operation of a pack, its event, and whether it was undone', async () => {
      const s = serial();
      const older = operation(s, {
        operation: 'lock',
        status: 'locked',
        performedAt: new Date('2026-11-25T10:00:00Z'),
      });
      const newer = operation(s, { performedAt: new Date('2026-11-25T11:00:00Z') });
      await tx.saveOperation(newer);
      await tx.saveOperation(older);
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
      expect(await tx.operationEvent(older.id)).toEqual(older.event);
      expect(await tx.operationEvent('no-such-operation')).toBeUndefined();

      await tx.markUndone(newer.id, 'pharmacist', new Date('2026-11-25T11:30:00Z'));
      expect((await store.findPack(key(s))).lastOperation).toMatchObject({
        id: newer.id,
        undone: true,
        undoneAt: new Date('2026-11-25T11:30:00Z'),
      });
    });

    it('refuses to record the same operation twice', async () => {
      const op = operation(serial());
      await tx.saveOperation(op);
      await expect(tx.saveOperation(op)).rejects.toThrow();
    });

    it('names each party that supplied the pack (not undone) or verified it for dispensing, once', async () => {
      const s = serial();
      const supplied = operation(s);
      const undone = operation(s, { party: '4012345000009', location: '4012345000009' });
      await tx.saveOperation(supplied);
      await tx.saveOperation(undone);
      await tx.markUndone(undone.id, 'someone', new Date('2026-11-25T13:00:00Z'));
      await tx.saveOperation(operation(s, { operation: 'lock', status: 'locked', party: '5412345000013' }));
      await tx.record(entry(s, { purpose: 'dispensing' }));
      await tx.record(entry(s, { purpose: 'dispensing', party: OTHER_PHARMACY }));
      await tx.record(entry(s, { party: '5012345000004' }));
      expect((await tx.dispensingParties(key(s))).sort()).toEqual([OTHER_PHARMACY, PHARMACY].sort());
    });

    it('stores what is recorded later, once each, by its id', async () => {
      const s = serial();
      const later = entry(s, { purpose: 'dispensing', party: OTHER_PHARMACY });
      store.recordLater(later);
      store.recordLater(later);
      await tx.record(later);
      await sut.settle();
      expect(await tx.dispensingParties(key(s))).toEqual([OTHER_PHARMACY]);
    });

    it('keeps the first reason of a suspect pack and gathers every party that made it suspect', async () => {
      const s = serial();
      const at = new Date('2026-11-25T12:00:00Z');
      await tx.markSuspect(key(s), 'clone', [PHARMACY, OTHER_PHARMACY], 'v1', at);
      await tx.markSuspect(key(s), 'other', [OTHER_PHARMACY, '5012345000004'], 'v2', at);
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

    it('commits nothing of a piece of work on a pack that fails', async () => {
      const s = serial();
      const op = operation(s);
      await expect(
        store.forPack(key(s), async (pack) => {
          await pack.saveOperation(op);
          await pack.record(entry(s, { purpose: 'dispensing' }));
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await store.findPack(key(s))).toEqual({});
      expect(await tx.dispensingParties(key(s))).toEqual([]);
      await store.forPack(key(s), (pack) => pack.saveOperation(op));
      expect((await store.findPack(key(s))).lastOperation).toMatchObject({ id: op.id });
    });

    it('runs work on the same pack one piece at a time, each seeing what the one before it committed', async () => {
      const s = serial();
      const seen: number[] = [];
      await Promise.all(
        [0, 1, 2, 3].map((n) =>
          store.forPack(key(s), async (pack) => {
            const before = (await pack.dispensingParties(key(s))).length;
            await new Promise((resolve) => setTimeout(resolve, 20));
            await pack.record(entry(s, { purpose: 'dispensing', party: `95213210000${10 + n}` }));
            seen.push(before);
          }),
        ),
      );
      expect(seen).toEqual([0, 1, 2, 3]);
    });
  });
}
