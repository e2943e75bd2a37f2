import { gs1StandardsPath } from '@pedigree/gs1';
import { readFileSync, readdirSync } from 'node:fs';
import { EpcisException } from '../errors';
import { parseEpcisXml } from './parse';
import { MAX_XSD_PROBLEMS, validateAgainstEpcisXsd } from './xsd';

async function problemsOf(xml: string): Promise<EpcisException['problems']> {
  try {
    await validateAgainstEpcisXsd(xml);
  } catch (e) {
    if (e instanceof EpcisException && e.exceptionType === 'ValidationException') return e.problems;
    throw e;
  }
  return [];
}

/**
 * Every GS1 XML example in the repository, checked against GS1's XSD of its version: all of them are valid. (The
 * XSDs are those of the same GS1 repository commit; the 1.2 examples carry `schemaVersion="1.2"` in the
 * `urn:epcglobal:epcis:xsd:1` namespace.)
 */
const GS1_XML_EXAMPLES = [
  'gs1-epcis/examples/xml',
  'gs1-epcis/examples/xml-1.2',
  'gs1-epcis/examples/all-possible-fields',
  'event-hash',
].flatMap((folder) =>
  readdirSync(gs1StandardsPath(folder))
    .filter((file) => file.endsWith('.xml'))
    .map((file) => `${folder}/${file}`),
);

describe('GS1 XML examples against the GS1 XSDs', () => {
  it('finds them', () => {
    expect(GS1_XML_EXAMPLES).toHaveLength(23);
  });

  it.each(GS1_XML_EXAMPLES)('%s is XSD-valid', async (file) => {
    expect(await problemsOf(readFileSync(gs1StandardsPath(file), 'utf8'))).toEqual([]);
  });
});

const EVENT_TIME =
  '<eventTime>2024-01-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>';
const EPC_LIST = '<epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList>';
const OBJECT_EVENT = `<ObjectEvent>${EVENT_TIME}${EPC_LIST}<action>OBSERVE</action></ObjectEvent>`;

const VERSIONS = [
  { version: '2.0', namespace: 'urn:epcglobal:epcis:xsd:2' },
  { version: '1.2', namespace: 'urn:epcglobal:epcis:xsd:1' },
];

describe.each(VERSIONS)('EPCIS $version XML against its XSD', ({ version, namespace }) => {
  const document = (events: string): string =>
    `<epcis:EPCISDocument xmlns:epcis="${namespace}" xmlns:ex="https://ex.example.com/ns/" ` +
    `schemaVersion="${version}" creationDate="2024-01-01T00:00:00Z">` +
    `<EPCISBody><EventList>${events}</EventList></EPCISBody></epcis:EPCISDocument>`;
  const EVENT = '/EPCISDocument/EPCISBody/EventList/ObjectEvent';

  it('accepts a valid ObjectEvent, and parseEpcisXml reads it', async () => {
    expect(await problemsOf(document(OBJECT_EVENT))).toEqual([]);
    const doc = (await parseEpcisXml(document(OBJECT_EVENT))) as unknown as {
      epcisBody: { eventList: unknown[] };
    };
    expect(doc.epcisBody.eventList).toHaveLength(1);
  });

  it('accepts extension elements and attributes in another namespace (xsd:any ##other, anyAttribute)', async () => {
    const extended = OBJECT_EVENT.replace('<ObjectEvent>', '<ObjectEvent ex:source="scanner">').replace(
      '</ObjectEvent>',
      '<ex:temperature unit="CEL">4.5</ex:temperature><ex:box><ex:id>7</ex:id></ex:box></ObjectEvent>',
    );
    expect(await problemsOf(document(extended))).toEqual([]);
  });

  it('refuses elements out of the schema order (action before epcList)', async () => {
    const swapped = `<ObjectEvent>${EVENT_TIME}<action>OBSERVE</action>${EPC_LIST}</ObjectEvent>`;
    const problems = await problemsOf(document(swapped));
    // 1.2 requires epcList, so action is the first unexpected element; in 2.0 epcList is optional, so it is epcList.
    expect(problems).toEqual([
      version === '1.2'
        ? {
            pointer: `${EVENT}/action`,
            message:
              "Element 'action': This element is not expected. Expected is one of ( baseExtension, epcList ). (line 1)",
          }
        : {
            pointer: `${EVENT}/epcList`,
            message: expect.stringMatching(/^Element 'epcList': This element is not expected\./),
          },
    ]);
  });

  it('refuses an event without a required element (action)', async () => {
    const problems = await problemsOf(document(`<ObjectEvent>${EVENT_TIME}${EPC_LIST}</ObjectEvent>`));
    expect(problems).toEqual([
      {
        pointer: EVENT,
        message: expect.stringContaining('Missing child element(s). Expected is ( action )'),
      },
    ]);
  });

  it('refuses a value of the wrong type (eventTime that is not a dateTime, an unknown action)', async () => {
    const wrong = OBJECT_EVENT.replace('2024-01-01T00:00:00Z', 'yesterday').replace('OBSERVE', 'SHOUT');
    const problems = await problemsOf(document(wrong));
    expect(problems).toEqual([
      { pointer: `${EVENT}/eventTime`, message: expect.stringContaining("'yesterday' is not a valid value") },
      {
        pointer: `${EVENT}/action`,
        message: expect.stringContaining("'SHOUT' is not an element of the set"),
      },
    ]);
  });

  it('refuses an unknown element in the EPCIS namespace, and an unknown unqualified one', async () => {
    for (const unknown of ['<epcis:note>x</epcis:note>', '<note>x</note>']) {
      const problems = await problemsOf(
        document(OBJECT_EVENT.replace('</ObjectEvent>', `${unknown}</ObjectEvent>`)),
      );
      expect(problems).toEqual([
        {
          pointer: expect.stringMatching(/\/ObjectEvent\/(epcis:)?note$/),
          message: expect.stringContaining('This element is not expected'),
        },
      ]);
    }
  });

  it('refuses through parseEpcisXml with a ValidationException', async () => {
    const missing = document(`<ObjectEvent>${EVENT_TIME}${EPC_LIST}</ObjectEvent>`);
    await expect(parseEpcisXml(missing)).rejects.toMatchObject({
      exceptionType: 'ValidationException',
      problems: [{ pointer: EVENT }],
    });
  });
});

describe('XSD problems', () => {
  const document20 = (events: string): string =>
    '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" ' +
    `creationDate="2024-01-01T00:00:00Z"><EPCISBody><EventList>${events}</EventList></EPCISBody></epcis:EPCISDocument>`;

  it(`lists at most ${MAX_XSD_PROBLEMS} problems and says how many more there are`, async () => {
    const bad = OBJECT_EVENT.replace('2024-01-01T00:00:00Z', 'x');
    const problems = await problemsOf(document20(bad.repeat(150)));
    expect(problems).toHaveLength(MAX_XSD_PROBLEMS + 1);
    expect(problems[0].pointer).toBe('/EPCISDocument/EPCISBody/EventList/ObjectEvent[1]/eventTime');
    expect(problems[MAX_XSD_PROBLEMS]).toEqual({ pointer: '/', message: '50 more XSD problems not listed' });
  });

  it('refuses a document nested deeper than 256 elements as malformed, without reading it', async () => {
    const deep = OBJECT_EVENT.replace(
      '</ObjectEvent>',
      `${'<ex:n xmlns:ex="https://ex.example.com/">'.repeat(10_000)}${'</ex:n>'.repeat(10_000)}</ObjectEvent>`,
    );
    const started = performance.now();
    await expect(parseEpcisXml(document20(deep))).rejects.toMatchObject({
      problems: [
        { pointer: '/', message: expect.stringMatching(/^malformed XML: Excessive depth in document: 256/) },
      ],
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('validates a query document against the query XSD', async () => {
    const query =
      '<q:EPCISQueryDocument xmlns:q="urn:epcglobal:epcis-query:xsd:2" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">' +
      `<EPCISBody><q:QueryResults><queryName>SimpleEventQuery</queryName><resultsBody><EventList>${OBJECT_EVENT}` +
      '</EventList></resultsBody></q:QueryResults></EPCISBody></q:EPCISQueryDocument>';
    expect(await problemsOf(query)).toEqual([]);
    expect(await problemsOf(query.replace('<queryName>SimpleEventQuery</queryName>', ''))).toEqual([
      {
        pointer: '/EPCISQueryDocument/EPCISBody/q:QueryResults/resultsBody',
        message: expect.stringContaining('queryName'),
      },
    ]);
  });

  it('leaves a root element outside the EPCIS namespaces to the reader', async () => {
    expect(await problemsOf('<EPCISDocument schemaVersion="2.0"><EPCISBody/></EPCISDocument>')).toEqual([]);
  });
});
