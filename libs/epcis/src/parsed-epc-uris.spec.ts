import { Gs1Error, parseEpcUri } from '@pedigree/gs1';
import { parsedEpcUri } from './parsed-epc-uris';

describe('parsedEpcUri', () => {
  it('parses like parseEpcUri, once for repeated reads', () => {
    const uri = 'urn:epc:id:sgtin:4012345.011111.987';
    const first = parsedEpcUri(uri);
    expect(first).toEqual(parseEpcUri(uri));
    expect(parsedEpcUri(uri)).toBe(first);
  });

  it('throws what parseEpcUri throws, every time', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => parsedEpcUri('urn:epc:id:sgtin:4012345.011111')).toThrow(Gs1Error);
    }
  });

  it('stays correct when more URIs are read than it keeps', () => {
    const uris = Array.from({ length: 10_000 }, (_, i) => `urn:epc:id:sgtin:4012345.011111.${i}`);
    for (const uri of uris) parsedEpcUri(uri);
    for (const uri of [uris[0], uris[5_000], uris[9_999]]) {
      expect(parsedEpcUri(uri).components).toEqual(['011111', uri.slice(uri.lastIndexOf('.') + 1)]);
    }
  });
});
