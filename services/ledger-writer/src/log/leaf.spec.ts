import { createHash } from 'node:crypto';
import { errorDeclarationHash, type EpcisEvent } from '@pedigree/epcis';
import { hashLeaf } from '@pedigree/merkle';
import { entryOfEventHash, epcisLeaf, jsonLeaf } from './leaf';

const DIGEST = 'a'.repeat(44) + '0123456789abcdef0123';
const HASH_ID = `ni:///sha-256;${DIGEST}?ver=CBV2.0`;
const EVENT: EpcisEvent = {
  type: 'ObjectEvent',
  eventTime: '2026-03-01T08:00:00.000+01:00',
  eventTimeZoneOffset: '+01:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
  action: 'ADD',
};
const message = (eventHash: string, event: EpcisEvent = EVENT) => ({ eventHash, event, namespaces: {} });

describe('leaves', () => {
  it('logs an EPCIS event as the SHA-256 inside its GS1 event hash ID', () => {
    const leaf = epcisLeaf(message(HASH_ID));
    expect(leaf).toEqual({
      kind: 'epcis-event',
      entry: DIGEST,
      leafHash: hashLeaf(DIGEST),
      eventHash: HASH_ID,
    });
    expect(leaf.leafHash).toBe(
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(DIGEST, 'hex')]))
        .digest('hex'),
    );
  });

  it('refuses anything but a CBV 2.0 event hash ID for an EPCIS event', () => {
    expect(() => epcisLeaf(message(`ni:///sha-256;${DIGEST}`))).toThrow('not a GS1 CBV 2.0 event hash ID');
    expect(() => epcisLeaf(message(`ni:///sha-256;${DIGEST.toUpperCase()}?ver=CBV2.0`))).toThrow('not a GS1');
  });

  it('logs an error declaration as its declaration hash: a leaf of its own, named by that hash', () => {
    const declaration = { declarationTime: '2026-03-02T08:00:00Z', reason: 'incorrect_data' };
    const leaf = epcisLeaf(message(HASH_ID, { ...EVENT, errorDeclaration: declaration }));
    const name = errorDeclarationHash(HASH_ID, declaration);
    const entry = name.slice('ni:///sha-256;'.length);
    expect(leaf).toEqual({
      kind: 'epcis-error-declaration',
      entry,
      leafHash: hashLeaf(entry),
      eventHash: name,
    });
    expect(entry).not.toBe(DIGEST);
    // The same declaration sent again is the same leaf; another declaration of the event is another.
    expect(epcisLeaf(message(HASH_ID, { ...EVENT, errorDeclaration: { ...declaration } }))).toEqual(leaf);
    const later = { ...declaration, declarationTime: '2026-03-03T08:00:00Z' };
    expect(epcisLeaf(message(HASH_ID, { ...EVENT, errorDeclaration: later })).entry).not.toBe(entry);
  });

  it('logs other messages as the SHA-256 of their canonical JSON, whatever the member order', () => {
    const a = jsonLeaf('recall-notice', { recallId: 'r1', lots: ['L1', 'L2'], nested: { b: 1, a: 2 } });
    const b = jsonLeaf('recall-notice', { nested: { a: 2, b: 1 }, lots: ['L1', 'L2'], recallId: 'r1' });
    const expected = createHash('sha256')
      .update('{"lots":["L1","L2"],"nested":{"a":2,"b":1},"recallId":"r1"}')
      .digest('hex');
    expect(a).toEqual({
      kind: 'recall-notice',
      entry: expected,
      leafHash: hashLeaf(expected),
      eventHash: `ni:///sha-256;${expected}`,
    });
    expect(b).toEqual(a);
    expect(
      jsonLeaf('recall-notice', { recallId: 'r1', lots: ['L2', 'L1'], nested: { a: 2, b: 1 } }).entry,
    ).not.toBe(expected);
  });

  it('finds the entry named by a GS1 hash ID, an ni URI or bare hex', () => {
    expect(entryOfEventHash(`ni:///sha-256;${DIGEST}?ver=CBV2.0`)).toBe(DIGEST);
    expect(entryOfEventHash(`ni:///sha-256;${DIGEST}`)).toBe(DIGEST);
    expect(entryOfEventHash(DIGEST.toUpperCase())).toBe(DIGEST);
    expect(entryOfEventHash('ni:///sha-256;abc')).toBeUndefined();
    expect(entryOfEventHash(`${DIGEST}x`)).toBeUndefined();
  });
});
