import { Pool } from 'pg';
import { migrateServiceDatabase } from '@pedigree/database';
import { hashLeaf } from '@pedigree/merkle';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import { LogRepository } from '../../src/log/log-repository';
import { headStoreContract } from './head-store.contract';

headStoreContract('LogRepository', async () => {
  const url = await createTestDatabase('head_store');
  await migrateServiceDatabase('ledger-writer', url);
  const pool = new Pool({ connectionString: url, max: 3 });
  const store = new LogRepository(pool, { channel: 'pedigree', chaincode: 'anchor' });
  await store.init();
  let offset = 0;
  return {
    store,
    append: async (entries) => {
      await store.append(
        entries.map((entry) => ({
          kind: 'epcis-event' as const,
          entry,
          leafHash: hashLeaf(entry),
          eventHash: `ni:///sha-256;${entry}?ver=CBV2.0`,
          sourceTopic: 'epcis.events.v1',
          sourcePartition: 0,
          sourceOffset: String(offset++),
          messageId: `m${offset}`,
        })),
      );
    },
    close: async () => {
      await pool.end();
      await dropTestDatabase(url);
    },
  };
});
