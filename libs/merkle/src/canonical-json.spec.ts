import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { MerkleError } from './errors';

describe('canonicalJson (RFC 8785 JCS)', () => {
  it('writes the RFC 8785 §3.2.2 example exactly as the RFC does', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], ' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", ' +
        '"1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    ) as Record<string, string>;
    // A JS object lists integer-like names ("1") first; the serialised order must not.
    const order = [...canonicalJson(input).matchAll(/"([^"]+)":"([^"]+)"/g)].map((m) => m[2]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('writes numbers in the ECMAScript form, -0 as 0', () => {
    expect(canonicalJson([-0, 1e21, 1e-7, 123456789012345680000, 0.1 + 0.2, -1.5])).toBe(
      '[0,1e+21,1e-7,123456789012345680000,0.30000000000000004,-1.5]',
    );
  });

  it('nests objects, drops undefined members and has no whitespace', () => {
    expect(canonicalJson({ b: { d: [1, { f: 'x', e: null }], c: undefined }, a: 'y' })).toBe(
      '{"a":"y","b":{"d":[1,{"e":null,"f":"x"}]}}',
    );
  });

  it.each([
    ['NaN', Number.NaN, '(root): NaN is not a JSON number'],
    ['Infinity in an array', [1, Infinity], '/1: Infinity is not a JSON number'],
    ['a lone surrogate', { a: 'x\uD800' }, '/a: a string with a lone surrogate is not I-JSON'],
    ['a bigint', { 'a/b': 1n }, '/a~1b: a bigint is not a JSON value'],
    ['a Date', { d: new Date(0) }, '/d: only plain objects are JSON objects'],
    ['undefined', undefined, '(root): a undefined is not a JSON value'],
  ])('rejects %s', (_label, value, message) => {
    expect(() => canonicalJson(value)).toThrow(new MerkleError('INVALID_JSON', message));
  });

  it('gives the same text for any member order and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const reparsed = JSON.parse(text) as unknown;
        expect(reparsed).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reparsed)).toBe(text);
        expect(canonicalJson(shuffleMembers(reparsed))).toBe(text);
      }),
    );
  });
});

function shuffleMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffleMembers);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleMembers(v)]));
}
