import { gs1StandardsPath } from '@pedigree/gs1';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { documentEventHashes, eventPreHashString } from './event-hash';
import { namespacesFromJsonLdContext } from './namespaces';

/** GS1 CBV 2.0 event hash vectors (epcis-event-hash-generator): X.jsonld, X.prehashes, X.hashes. */
const VECTORS = gs1StandardsPath('event-hash');

function linesOf(file: string): string[] {
  // One line per event, '\n'-separated, with a final newline.
  const text = fs.readFileSync(path.join(VECTORS, file), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, file), 'utf8')) as Record<string, unknown>;
}

function eventListOf(doc: Record<string, unknown>): Record<string, unknown>[] {
  const body = doc['epcisBody'] as { eventList: Record<string, unknown>[] };
  return body.eventList;
}

const vectorNames = fs
  .readdirSync(VECTORS)
  .filter((file) => file.endsWith('.jsonld'))
  .map((file) => file.slice(0, -'.jsonld'.length))
  .sort();

describe('GS1 event hash reference vectors (JSON-LD)', () => {
  it('finds the vectors', () => {
    expect(vectorNames).toEqual(
      expect.arrayContaining([
        'ReferenceEventHashAlgorithm',
        'epcisDocWithSingleEvent',
        'epcisDocWithVariousEventTypes',
      ]),
    );
  });

  describe.each(vectorNames)('%s', (name) => {
    const doc = readJson(`${name}.jsonld`);

    it('gives the expected pre-hash string for every event', () => {
      const namespaces = namespacesFromJsonLdContext(doc['@context']);
      const actual = eventListOf(doc).map((event) => eventPreHashString(event, namespaces));
      expect(actual).toEqual(linesOf(`${name}.prehashes`));
    });

    it('gives the expected hash for every event, in document order', () => {
      expect(documentEventHashes(doc)).toEqual(linesOf(`${name}.hashes`));
    });
  });

  it('hashes every event of ReferenceEventHashAlgorithm.json (same event, written twice) like the .jsonld', () => {
    const [expected] = linesOf('ReferenceEventHashAlgorithm.hashes');
    const hashes = documentEventHashes(readJson('ReferenceEventHashAlgorithm.json'));
    expect(hashes).toEqual([expected, expected]);
  });
});
