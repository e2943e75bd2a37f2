import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { migrateDatabase, migrateServiceDatabase, serviceMigrationsFolder } from '@pedigree/database';
import { Frontier, hashLeaf, MerkleLog } from '@pedigree/merkle';
import { createTestDatabase, dropTestDatabase } from '@pedigree/testing';
import { LogRepository, type SourcedLeaf } from '../src/log/log-repository';

// One leaf per entry (ADR 0016), in PostgreSQL: whatever message carries an entry, however often, and however many
// writers append at once, the log holds it once, without a gap in leaf indexes.

const entryOf = (name: string) => createHash('sha256').update(name).digest('hex');

let offset = 0;
/** A leaf as the log consumer makes it, from a message of its own (a new offset every time). */
function leaf(entry: string): SourcedLeaf {
  offset += 1;
  return {
    kind: 'epcis-event',
    entry,
    leafHash: hashLeaf(entry),
    eventHash: `ni:///sha-256;${entry}?ver=CBV2.0`,
    sourceTopic: 'epcis.events.v1',
    sourcePartition: offset % 3,
    sourceOffset: String(offset),
    messageId: `m${offset}`,
  };
}

async function leaves(pool: Pool): Promise<Array<{ leaf_index: string; entry: string }>> {
  const { rows } = await pool.query<{ leaf_index: string; entry: string }>(
    'SELECT leaf_index, entry FROM log_leaves ORDER BY leaf_index',
  );
  return rows;
}

/** The log holds exactly these entries, in this order, at indexes 0…n-1, and its frontier's root is theirs. */
async function expectLog(pool: Pool, repository: LogRepository, entries: string[]): Promise<void> {
  const rows = await leaves(pool);
  expect(rows.map((r) => r.entry)).toEqual(entries);
  expect(rows.map((r) => Number(r.leaf_index))).toEqual(entries.map((_, i) => i));
  await expect(repository.logSize()).resolves.toBe(entries.length);
  const reference = new MerkleLog();
  for (const entry of entries) reference.appendLeafHash(hashLeaf(entry));
  const head = await repository.cutHead();
  expect(head?.rootHash).toBe(reference.root(entries.length));
}

describe('the Merkle log in PostgreSQL: one leaf per entry', () => {
  let url: string;
  let pool: Pool;
  let repository: LogRepository;

  beforeEach(async () => {
    url = await createTestDatabase('leaf_per_entry');
    await migrateServiceDatabase('ledger-writer', url);
    pool = new Pool({ connectionString: url, max: 4 });
    repository = new LogRepository(pool, { channel: 'pedigree', chaincode: 'anchor' });
    await repository.init();
  });
  afterEach(async () => {
    await pool.end();
    await dropTestDatabase(url);
  });

  it('appends an entry once: repeated in a batch, and carried again by later messages', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(entryOf) as [string, string, string];
    await expect(repository.append([leaf(a), leaf(b), leaf(a)])).resolves.toEqual({ appended: 2, size: 2 });
    await expect(repository.append([leaf(b), leaf(a)])).resolves.toEqual({ appended: 0, size: 2 });
    await expect(repository.append([leaf(c), leaf(b)])).resolves.toEqual({ appended: 1, size: 3 });
    await expectLog(pool, repository, [a, b, c]);
    await expect(repository.leafByEntry(b)).resolves.toMatchObject({ leafIndex: 1, entry: b });
  });

  it('two writers appending the same entries at once (as two replicas would) log each once, without a gap', async () => {
    const other = new Pool({ connectionString: url, max: 4 });
    const second = new LogRepository(other, { channel: 'pedigree', chaincode: 'anchor' });
    try {
      const entries = Array.from({ length: 200 }, (_, i) => entryOf(`e${i}`));
      // The messages both writers read during a takeover: the same partitions and offsets. Each writer appends its
      // overlapping batches in partition order, as a consumer does; the two writers race each other. Every entry is
      // also carried again by a later message (a document captured twice).
      const messages = [...entries, ...entries].map(leaf);
      const batches = Array.from({ length: 20 }, (_, i) => messages.slice(i * 20, i * 20 + 45));
      const appendInOrder = async (writer: LogRepository) => {
        const appended: Array<{ appended: number }> = [];
        for (const batch of batches) appended.push(await writer.append(batch));
        return appended;
      };
      const results = (await Promise.all([appendInOrder(repository), appendInOrder(second)])).flat();
      expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(entries.length);
      const rows = await leaves(pool);
      expect(new Set(rows.map((r) => r.entry))).toEqual(new Set(entries));
      await expectLog(
        pool,
        repository,
        rows.map((r) => r.entry),
      );
    } finally {
      await other.end();
    }
  });

  it('the database refuses a second leaf of an entry, whatever writes it', async () => {
    const a = entryOf('a');
    await repository.append([leaf(a)]);
    const copy = leaf(a);
    await expect(
      pool.query(
        `INSERT INTO log_leaves (leaf_index, entry, leaf_hash, event_hash, kind, source_topic, source_partition, source_offset, message_id)
         VALUES (1, $1, $2, $3, 'epcis-event', $4, $5, $6, $7)`,
        [
          copy.entry,
          copy.leafHash,
          copy.eventHash,
          copy.sourceTopic,
          copy.sourcePartition,
          copy.sourceOffset,
          copy.messageId,
        ],
      ),
    ).rejects.toThrow('duplicate key value violates unique constraint "log_leaves_entry_once"');
  });
});

describe('migration 0002 on a log that already holds an entry twice', () => {
  it('keeps every leaf, marks the repeat, and appends the entry no more', async () => {
    // The database as the build before one leaf per entry left it: migrations 0000 and 0001 only.
    const folder = serviceMigrationsFolder('ledger-writer');
    const journal = JSON.parse(readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as {
      entries: Array<{ tag: string }>;
    };
    const older = mkdtempSync(path.join(tmpdir(), 'pedigree-migrations-'));
    cpSync(folder, older, { recursive: true });
    writeFileSync(
      path.join(older, 'meta/_journal.json'),
      JSON.stringify({
        ...journal,
        entries: journal.entries.slice(
          0,
          journal.entries.findIndex((e) => e.tag === '0002_leaf_per_entry'),
        ),
      }),
    );
    const url = await createTestDatabase('leaf_per_entry_legacy');
    await migrateDatabase(url, older);
    rmSync(older, { recursive: true, force: true });

    const pool = new Pool({ connectionString: url, max: 2 });
    try {
      // As the old writer logged an event captured twice: leaves 0 and 2 hold the same entry.
      const [a, b] = [entryOf('a'), entryOf('b')];
      const legacy = [leaf(a), leaf(b), leaf(a)];
      const frontier = Frontier.empty();
      for (const [index, l] of legacy.entries()) {
        frontier.append(l.leafHash);
        await pool.query(
          `INSERT INTO log_leaves (leaf_index, entry, leaf_hash, event_hash, kind, source_topic, source_partition, source_offset, message_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            index,
            l.entry,
            l.leafHash,
            l.eventHash,
            l.kind,
            l.sourceTopic,
            l.sourcePartition,
            l.sourceOffset,
            l.messageId,
          ],
        );
      }
      await pool.query(`INSERT INTO log_state (id, size, frontier) VALUES (1, 3, $1)`, [
        JSON.stringify(frontier.toJSON()),
      ]);

      await migrateServiceDatabase('ledger-writer', url);
      const { rows } = await pool.query<{ leaf_index: string; repeat_of: string | null }>(
        'SELECT leaf_index, repeat_of FROM log_leaves ORDER BY leaf_index',
      );
      expect(rows).toEqual([
        { leaf_index: '0', repeat_of: null },
        { leaf_index: '1', repeat_of: null },
        { leaf_index: '2', repeat_of: '0' },
      ]);
      const repository = new LogRepository(pool, { channel: 'pedigree', chaincode: 'anchor' });
      await expect(repository.leafByEntry(a)).resolves.toMatchObject({ leafIndex: 0 });
      const c = entryOf('c');
      await expect(repository.append([leaf(a), leaf(c)])).resolves.toEqual({ appended: 1, size: 4 });
      await expect(repository.leafByEntry(c)).resolves.toMatchObject({ leafIndex: 3 });
    } finally {
      await pool.end();
      await dropTestDatabase(url);
    }
  });
});
