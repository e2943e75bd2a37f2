import { gs1StandardsPath } from '@pedigree/gs1';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEpcisXml } from '../xml';
import { documentEventHashes, eventPreHashString } from './event-hash';
import { namespacesFromJsonLdContext } from './namespaces';

/** The XML renderings of the GS1 event hash vectors hash exactly like their JSON-LD renderings. */
const VECTORS = gs1StandardsPath('event-hash');

function linesOf(file: string): string[] {
  return fs.readFileSync(path.join(VECTORS, file), 'utf8').slice(0, -1).split('\n');
}

const xmlVectors = fs
  .readdirSync(VECTORS)
  .filter((file) => file.endsWith('.xml'))
  .map((file) => file.slice(0, -'.xml'.length))
  .sort();

describe('GS1 event hash reference vectors (XML, read with parseEpcisXml)', () => {
  it('finds the XML vectors', () => {
    expect(xmlVectors).toEqual(
      expect.arrayContaining(['ReferenceEventHashAlgorithm', 'epcisDocWithVariousEventTypes']),
    );
  });

  describe.each(xmlVectors)('%s', (name) => {
    let doc: Record<string, unknown>;
    beforeAll(async () => {
      doc = (await parseEpcisXml(
        fs.readFileSync(path.join(VECTORS, `${name}.xml`), 'utf8'),
      )) as unknown as Record<string, unknown>;
    });

    it('gives the expected pre-hash string for every event', () => {
      const namespaces = namespacesFromJsonLdContext(doc['@context']);
      const events = (doc['epcisBody'] as { eventList: Record<string, unknown>[] }).eventList;
      expect(events.map((event) => eventPreHashString(event, namespaces))).toEqual(
        linesOf(`${name}.prehashes`),
      );
    });

    it('gives the expected hash for every event', () => {
      expect(documentEventHashes(doc)).toEqual(linesOf(`${name}.hashes`));
    });
  });
});
