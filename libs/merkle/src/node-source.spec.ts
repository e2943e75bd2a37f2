import { MerkleError } from './errors';
import { InMemoryNodeStore } from './node-source';
import { NODE_HASHES } from '../test/vectors';

describe('InMemoryNodeStore', () => {
  it('answers in the order asked, as bytes', () => {
    const store = new InMemoryNodeStore();
    store.put({ level: 0, index: 1, hash: NODE_HASHES[0][1] });
    store.put({ level: 2, index: 0, hash: Buffer.from(NODE_HASHES[2][0], 'hex') });
    const hashes = store.getNodeHashes([
      { level: 2, index: 0 },
      { level: 0, index: 1 },
    ]);
    expect(hashes.map((hash) => hash.toString('hex'))).toEqual([NODE_HASHES[2][0], NODE_HASHES[0][1]]);
  });

  it('names the missing node', () => {
    const store = new InMemoryNodeStore();
    store.put({ level: 0, index: 0, hash: NODE_HASHES[0][0] });
    expect(() => store.getNodeHashes([{ level: 1, index: 0 }])).toThrow('no node at level 1, index 0');
    expect(() => store.getNodeHashes([{ level: 0, index: 1 }])).toThrow(MerkleError);
  });

  it('accepts the same node twice but never a different hash for it', () => {
    const store = new InMemoryNodeStore();
    store.put({ level: 1, index: 0, hash: NODE_HASHES[1][0] });
    store.put({ level: 1, index: 0, hash: NODE_HASHES[1][0] });
    expect(() => store.put({ level: 1, index: 0, hash: NODE_HASHES[1][1] })).toThrow(
      /node \(1, 0\) is already stored as fac54203/,
    );
  });

  it('rejects node ids that are not ones', () => {
    const store = new InMemoryNodeStore();
    expect(() => store.put({ level: -1, index: 0, hash: NODE_HASHES[0][0] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INDEX' }),
    );
    expect(() => store.put({ level: 0, index: 1.5, hash: NODE_HASHES[0][0] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INDEX' }),
    );
    expect(() => store.put({ level: 0, index: 0, hash: 'abcd' })).toThrow(
      expect.objectContaining({ code: 'INVALID_HASH' }),
    );
  });
});
