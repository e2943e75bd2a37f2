import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { migrateServiceDatabase } from '@pedigree/database';
import { hashLeaf, inclusionProof, MerkleLog, verifyInclusion } from '@pedigree/merkle';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import { LogRepository, type SourcedLeaf } from '../../src/log/log-repository';
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

describe('LogRepository appends', () => {
  let url: string;
  let pool: Pool;
  let repository: LogRepository;
  beforeAll(async () => {
    url = await createTestDatabase('log_append');
    await migrateServiceDatabase('ledger-writer', url);
    pool = new Pool({ connectionString: url, max: 3 });
    repository = new LogRepository(pool, { channel: 'pedigree', chaincode: 'anchor' });
    await repository.init();
  });
  afterAll(async () => {
    await pool.end();
    await dropTestDatabase(url);
  });

  const leaves = (partition: number, from: number, count: number): SourcedLeaf[] =>
    Array.from({ length: count }, (_, i) => {
      const entry = createHash('sha256')
        .update(`p${partition} o${from + i}`)
        .digest('hex');
      return {
        kind: 'epcis-event' as const,
        entry,
        leafHash: hashLeaf(entry),
        eventHash: `ni:///sha-256;${entry}?ver=CBV2.0`,
        sourceTopic: 'epcis.events.v1',
        sourcePartition: partition,
        sourceOffset: String(from + i),
        messageId: `m${partition}-${from + i}`,
      };
    });

  it('appends a redelivered message once, whether redelivered alone or in a batch that goes on', async () => {
    await expect(repository.append([...leaves(0, 0, 5), ...leaves(1, 0, 3)])).resolves.toEqual({
      appended: 8,
      size: 8,
    });
    await expect(repository.append(leaves(0, 0, 5))).resolves.toEqual({ appended: 0, size: 8 });
    await expect(repository.append([...leaves(1, 1, 4), ...leaves(0, 3, 4)])).resolves.toEqual({
      appended: 4,
      size: 12,
    });
    const { rows } = await pool.query<{ source_partition: number; source_offset: string }>(
      'SELECT source_partition, source_offset FROM log_leaves ORDER BY leaf_index',
    );
    expect(rows.map((r) => `${r.source_partition}:${r.source_offset}`)).toEqual([
      ...['0:0', '0:1', '0:2', '0:3', '0:4', '1:0', '1:1', '1:2'],
      ...['1:3', '1:4', '0:5', '0:6'],
    ]);
  });

  it('serves proofs whose paths run through leaves (level 0) and stored subtrees, and stores no level-0 node', async () => {
    const reference = new MerkleLog();
    const { rows } = await pool.query<{ leaf_hash: string }>(
      'SELECT leaf_hash FROM log_leaves ORDER BY leaf_index',
    );
    for (const row of rows) reference.appendLeafHash(row.leaf_hash);
    for (let leafIndex = 0; leafIndex < rows.length; leafIndex++) {
      const proof = await inclusionProof(repository, leafIndex, rows.length);
      expect(proof.path).toEqual(reference.inclusionProof(leafIndex, rows.length).path);
      expect(
        verifyInclusion({ ...proof, root: reference.root(), leafHash: rows[leafIndex]!.leaf_hash }),
      ).toMatchObject({ ok: true });
    }
    await expect(pool.query('SELECT 1 FROM log_nodes WHERE level = 0')).resolves.toMatchObject({
      rowCount: 0,
    });
  });
});
