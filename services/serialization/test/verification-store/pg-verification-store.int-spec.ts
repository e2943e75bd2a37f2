import { migrateServiceDatabase, openDatabase } from '@pedigree/database';
import { createLogger } from '@pedigree/observability';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import { PgVerificationStore } from '../../src/verification/pg-verification-store';
import { verificationStoreContract } from './verification-store.contract';

verificationStoreContract('PgVerificationStore', async () => {
  const url = await createTestDatabase('verification_store');
  await migrateServiceDatabase('serialization', url);
  const database = openDatabase(url, {}, { maxConnections: 3 });
  // The outbox relay is the service's; here nothing publishes what the store queues.
  const store = new PgVerificationStore(database, createLogger('verification-store-test', 'silent'), {
    wake: () => undefined,
  });
  return {
    store,
    seedPack: async (pack) => {
      await database.pool.query(
        `INSERT INTO serials (key, epc, kind, gtin, serial, lot, expiry, commissioned, status, status_event_hash,
                              status_changed_at, last_event_hash, last_event_time, recall_id)
         VALUES ($1, $1, 'item', $2, $3, $4, $5, $6, $7, $8, $9, $8, $9, $10)`,
        [
          pack.key,
          pack.gtin,
          pack.serial,
          pack.lot ?? null,
          pack.expiry ?? null,
          pack.commissioned,
          pack.status,
          pack.statusEventHash,
          pack.statusChangedAt,
          pack.recallId ?? null,
        ],
      );
    },
    // Flushes the batch of verifications handed to recordLater and waits for it (the store stays usable).
    settle: () => store.onApplicationShutdown(),
    close: async () => {
      await database.pool.end();
      await dropTestDatabase(url);
    },
  };
});
