import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { MerkleError } from './errors';
import { EMPTY_TREE_ROOT, hashChildren, hashLeaf, merkleTreeHash } from './hashing';
import { LEAVES, NODE_HASHES, ROOTS } from '../test/vectors';

describe('hashLeaf', () => {
  it.each(LEAVES.map((leaf, i) => [leaf, NODE_HASHES[0][i]]))(
    'hashes leaf "%s" to the reference leaf hash',
    (leaf, expected) => {
      expect(hashLeaf(leaf)).toBe(expected);
    },
  );

  it('is SHA-256 of 0x00 followed by the entry', () => {
    const entry = Buffer.from('c0ffee', 'hex');
    expect(hashLeaf(entry)).toBe(
      createHash('sha256')
        .update(Buffer.from([0x00, 0xc0, 0xff, 0xee]))
        .digest('hex'),
    );
  });

  it('gives the same hash for a Buffer, a plain Uint8Array and hex in either case', () => {
    const hex = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const expected = hashLeaf(hex);
    expect(hashLeaf(hex.toUpperCase())).toBe(expected);
    expect(hashLeaf(Buffer.from(hex, 'hex'))).toBe(expected);
    expect(hashLeaf(new Uint8Array(Buffer.from(hex, 'hex')))).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes only the viewed part of a Uint8Array that shares a larger buffer', () => {
    const backing = Buffer.from('ff0102ff', 'hex');
    expect(hashLeaf(new Uint8Array(backing.buffer, backing.byteOffset + 1, 2))).toBe(hashLeaf('0102'));
  });

  it.each(['0', 'abc', 'zz', '0x00', ' 00'])('rejects the malformed hex %j', (hex) => {
    expect(() => hashLeaf(hex)).toThrow(MerkleError);
    expect(() => hashLeaf(hex)).toThrow('not an even-length hexadecimal string');
  });
});

describe('hashChildren', () => {
  it('reproduces every interior node of the reference tree from its children', () => {
    for (let level = 1; level < NODE_HASHES.length; level++) {
      NODE_HASHES[level].forEach((expected, index) => {
        expect(hashChildren(NODE_HASHES[level - 1][2 * index], NODE_HASHES[level - 1][2 * index + 1])).toBe(
          expected,
        );
      });
    }
  });

  it('separates interior nodes from leaves: hashChildren(a, b) differs from hashLeaf(a || b)', () => {
    const [a, b] = NODE_HASHES[0];
    expect(hashChildren(a, b)).not.toBe(hashLeaf(a + b));
  });

  it('requires 32-byte children', () => {
    expect(() => hashChildren('00', NODE_HASHES[0][0])).toThrow('left child hash must be 32 bytes, got 1');
    expect(() => hashChildren(NODE_HASHES[0][0], '')).toThrow('right child hash must be 32 bytes, got 0');
  });
});

describe('merkleTreeHash', () => {
  it('is SHA-256 of nothing for the empty tree', () => {
    expect(merkleTreeHash([])).toBe(EMPTY_TREE_ROOT);
    expect(EMPTY_TREE_ROOT).toBe(createHash('sha256').digest('hex'));
  });

  it.each(ROOTS.map((root, n) => [n, root]))(
    'gives the reference root for the first %d leaves',
    (n, root) => {
      expect(merkleTreeHash(LEAVES.slice(0, n))).toBe(root);
    },
  );

  it('splits at the largest power of two below the size', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 2, maxLength: 40 }), (leaves) => {
        let k = 1;
        while (k * 2 < leaves.length) k *= 2;
        return (
          merkleTreeHash(leaves) ===
          hashChildren(merkleTreeHash(leaves.slice(0, k)), merkleTreeHash(leaves.slice(k)))
        );
      }),
    );
  });

  it('names the malformed leaf', () => {
    expect(() => merkleTreeHash(['00', 'xy'])).toThrow('leaf 1 is not an even-length hexadecimal string');
  });
});
