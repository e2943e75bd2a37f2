import { gs1StandardsPath } from '@pedigree/gs1';
import { DOMParser } from '@xmldom/xmldom';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { documentEventHashes } from '../hash';
import { expandCompactIri, namespacesFromJsonLdContext } from '../hash/namespaces';
import type { JsonObject, JsonValue } from '../model/json';
import { parseEpcisXml } from './parse';
import { toEpcisXml } from './write';

const reference = gs1StandardsPath();
const examplesDir = path.join(reference, 'gs1-epcis/examples');
const hashVectorsDir = path.join(reference, 'event-hash');

function readJson(file: string): JsonObject {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
}

function eventsOf(doc: unknown): JsonValue[] {
  const body = (
    doc as {
      epcisBody: { eventList?: JsonValue[]; queryResults?: { resultsBody: { eventList: JsonValue[] } } };
    }
  ).epcisBody;
  return body.eventList ?? body.queryResults?.resultsBody.eventList ?? [];
}

/**
 * What the XML binding cannot carry, normalised away before comparing a JSON-LD original with its XML round trip:
 * inside user extensions every scalar becomes a string (XML text is untyped), a one-element array becomes its
 * element (XML cannot tell one repeated element from a single one), and a JSON-LD value object becomes its value.
 * Standard EPCIS fields are compared exactly.
 */
function normaliseExtensions(value: JsonValue, inExtension = false): JsonValue {
  if (Array.isArray(value)) {
    const items = value.map((v) => normaliseExtensions(v, inExtension));
    return inExtension && items.length === 1 ? items[0] : items;
  }
  if (value !== null && typeof value === 'object') {
    if (inExtension && ('@value' in value || '@id' in value)) return String(value['@value'] ?? value['@id']);
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        normaliseExtensions(v, inExtension || key.includes(':')),
      ]),
    );
  }
  return inExtension && value !== null ? String(value) : value;
}

describe('reference XML ⇄ JSON-LD twins (event-hash vectors)', () => {
  it.each(['ReferenceEventHashAlgorithm', 'epcisDocWithVariousEventTypes'])(
    '%s.xml parses to exactly the events of %s.jsonld',
    async (name) => {
      const fromXml = await parseEpcisXml(readFileSync(path.join(hashVectorsDir, `${name}.xml`), 'utf8'));
      const twin = readJson(path.join(hashVectorsDir, `${name}.jsonld`));
      expect(eventsOf(fromXml)).toEqual(eventsOf(twin));
      expect(eventsOf(fromXml).length).toBeGreaterThan(0);
    },
  );

  it('declares each extension namespace of the XML in @context, once, with the prefix used by the elements', async () => {
    const fromXml = await parseEpcisXml(
      readFileSync(path.join(hashVectorsDir, 'ReferenceEventHashAlgorithm.xml'), 'utf8'),
    );
    // The root binds both `https:` and `example:` to the same namespace; the elements use `example:`.
    expect(fromXml['@context']).toEqual([
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { example: 'https://ns.example.com/epcis/' },
    ]);
    expect(fromXml.creationDate).toBe('2020-03-03T13:07:51.709Z');
  });

  it('every XML file in the reference folder parses', async () => {
    const xmlFiles = readdirSync(hashVectorsDir).filter((f) => f.endsWith('.xml'));
    expect(xmlFiles.length).toBeGreaterThanOrEqual(2);
    for (const file of xmlFiles) {
      expect(
        eventsOf(await parseEpcisXml(readFileSync(path.join(hashVectorsDir, file), 'utf8'))).length,
      ).toBeGreaterThan(0);
    }
  });
});

const SENSOR_URI_FIELDS = [
  'type',
  'exception',
  'component',
  'deviceID',
  'microorganism',
  'chemicalSubstance',
];

/**
 * XML never expands a value through a namespace declaration, so the writer writes a compact IRI of an anyURI sensor
 * attribute (`example:someSensorProperty`, `example` declared in the @context) as the IRI it stands for.
 */
function expandSensorCompactIris(events: JsonValue[], context: JsonValue): JsonValue[] {
  const namespaces = namespacesFromJsonLdContext(context);
  const expand = (report: JsonObject): JsonObject =>
    Object.fromEntries(
      Object.entries(report).map(([key, value]) => [
        key,
        SENSOR_URI_FIELDS.includes(key) && typeof value === 'string'
          ? expandCompactIri(value, namespaces)
          : value,
      ]),
    );
  return events.map((event) => {
    const { sensorElementList, ...rest } = event as JsonObject;
    if (!Array.isArray(sensorElementList)) return event;
    return {
      ...rest,
      sensorElementList: sensorElementList.map((element) => {
        const { sensorReport, sensorMetadata, ...others } = element as JsonObject;
        return {
          ...others,
          ...(sensorMetadata === undefined ? {} : { sensorMetadata: expand(sensorMetadata as JsonObject) }),
          ...(Array.isArray(sensorReport)
            ? { sensorReport: sensorReport.map((r) => expand(r as JsonObject)) }
            : {}),
        };
      }),
    };
  });
}

describe('GS1 JSON-LD examples: JSON-LD → XML → JSON-LD round trip', () => {
  const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.jsonld'));

  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
  });

  it.each(examples)('%s keeps its events', async (file) => {
    const original = readJson(path.join(examplesDir, file));
    const xml = toEpcisXml(original);
    const back = await parseEpcisXml(xml);
    const expected = expandSensorCompactIris(eventsOf(original), original['@context']);
    expect(normaliseExtensions(eventsOf(back))).toEqual(normaliseExtensions(expected));
    expect(back.type).toBe(original['type']);
  });

  it.each(examples)('%s keeps its event hashes', async (file) => {
    const original = readJson(path.join(examplesDir, file));
    const back = (await parseEpcisXml(toEpcisXml(original))) as unknown as JsonObject;
    expect(documentEventHashes(back)).toEqual(documentEventHashes(original));
  });

  it.each(examples)('%s is written as well-formed EPCIS 2.0 XML', (file) => {
    const xml = toEpcisXml(readJson(path.join(examplesDir, file)));
    const errors: string[] = [];
    const dom = new DOMParser({
      onError: (level, message) => void errors.push(`${level}: ${message}`),
    }).parseFromString(xml, 'application/xml');
    expect(errors).toEqual([]);
    const root = dom.documentElement;
    expect(root?.namespaceURI).toBe(
      root?.localName === 'EPCISQueryDocument'
        ? 'urn:epcglobal:epcis-query:xsd:2'
        : 'urn:epcglobal:epcis:xsd:2',
    );
    expect(root?.getAttribute('schemaVersion')).toBe('2.0');
  });

  it('keeps queryName and subscriptionID of the query document', async () => {
    const original = readJson(path.join(examplesDir, 'EPCISQueryDocument.jsonld'));
    const back = (await parseEpcisXml(toEpcisXml(original))) as unknown as JsonObject;
    const results = (back['epcisBody'] as JsonObject)['queryResults'] as JsonObject;
    expect(results['queryName']).toBe('SimpleEventQuery');
    expect(results['subscriptionID']).toBe('32d2aec1-a6d2-46d9-900a-24124288cce1');
  });

  it('normalisation only relaxes extension values: a changed standard field is still a difference', async () => {
    const original = readJson(path.join(examplesDir, 'Example_9.6.1-ObjectEvent.jsonld'));
    const back = await parseEpcisXml(toEpcisXml(original));
    const changed = eventsOf(back).map((e) => ({ ...(e as JsonObject), bizStep: 'receiving' }));
    expect(normaliseExtensions(changed)).not.toEqual(normaliseExtensions(eventsOf(original)));
  });
});
