import { gs1StandardsPath } from '@pedigree/gs1';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './cli';
import type { CliIo } from './io';

const REFERENCE = gs1StandardsPath();
const vectors = path.join(REFERENCE, 'event-hash');
const examples = path.join(REFERENCE, 'gs1-epcis/examples');
/** The GS1 JSON-LD example documents at the top of `examples` (its subfolders hold XML and more). */

async function run(argv: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => stdin,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

describe('pedigree epcis hash', () => {
  const inputs = readdirSync(vectors).filter((f) => /\.(jsonld|xml)$/.test(f));

  it.each(inputs)('prints the reference hashes of %s, one per event in document order', async (file) => {
    const expected = lines(
      readFileSync(path.join(vectors, file.replace(/\.(jsonld|xml)$/, '.hashes')), 'utf8'),
    );
    const { code, stdout } = await run(['epcis', 'hash', path.join(vectors, file)]);
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual(expected);
  });

  it('prints the canonical pre-hash strings with --prehash', async () => {
    const expected = lines(
      readFileSync(path.join(vectors, 'epcisDocWithVariousEventTypes.prehashes'), 'utf8'),
    );
    const { stdout } = await run([
      'epcis',
      'hash',
      '--prehash',
      path.join(vectors, 'epcisDocWithVariousEventTypes.jsonld'),
    ]);
    expect(lines(stdout)).toEqual(expected);
  });

  it('reads standard input for "-"', async () => {
    const text = readFileSync(path.join(vectors, 'epcisDocWithSingleEvent.jsonld'), 'utf8');
    const { stdout } = await run(['epcis', 'hash', '-'], text);
    expect(lines(stdout)).toEqual(
      lines(readFileSync(path.join(vectors, 'epcisDocWithSingleEvent.hashes'), 'utf8')),
    );
  });
});

describe('pedigree epcis validate', () => {
  // The JSON-LD examples, the all-possible-fields documents (JSON-LD and XML) and one XML example with a
  // byte-order mark. The other GS1 XML examples under xml/ and xml-1.2/ are not all accepted yet.
  const documents = [
    ...readdirSync(examples, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.jsonld') || (f.startsWith('all-possible-fields/') && f.endsWith('.xml')),
    ),
    'xml/Example-TransactionEvent-2020_07_03y.xml',
  ].sort();
  const allPossibleFields = documents.filter((f) => f.startsWith('all-possible-fields/'));
  const withoutFindings = documents.filter((f) => !allPossibleFields.includes(f));

  it.each(withoutFindings)('accepts the GS1 example %s', async (file) => {
    const { code, stdout } = await run(['epcis', 'validate', path.join(examples, file)]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'valid\n' });
  });

  it.each(allPossibleFields)(
    'accepts the GS1 example %s, printing its warnings; refuses it with --strict',
    async (file) => {
      const lenient = await run(['epcis', 'validate', path.join(examples, file)]);
      expect(lenient.code).toBe(0);
      const output = lines(lenient.stdout);
      expect(output.at(-1)).toBe('valid');
      const warnings = output.slice(0, -1).map((l) => JSON.parse(l) as Record<string, string>);
      expect(warnings.length).toBeGreaterThanOrEqual(3);
      expect(warnings).toContainEqual({
        severity: 'warning',
        pointer: '/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/chemicalSubstance',
        message: 'a sensorReport names either a microorganism or a chemicalSubstance, not both',
      });

      const strict = await run(['epcis', 'validate', '--strict', path.join(examples, file)]);
      expect(strict.code).toBe(1);
      const errors = lines(strict.stdout).map((l) => JSON.parse(l) as Record<string, string>);
      expect(errors).toEqual(
        warnings.map((w) => ({ type: 'epcisException:ValidationException', ...w, severity: 'error' })),
      );
    },
  );

  it('refuses an XML document that the GS1 XSD refuses (action before epcList)', async () => {
    const xml = readFileSync(path.join(examples, 'xml/Example_9.6.1-ObjectEvent-2020_06_18a.xml'), 'utf8');
    const swapped = xml.replace(/(<epcList>[\s\S]*?<\/epcList>)(\s*)(<action>\w+<\/action>)/, '$3$2$1');
    expect(swapped).not.toBe(xml);
    const { code, stderr } = await run(['epcis', 'validate', '-'], swapped);
    expect(code).toBe(1);
    const [problem] = lines(stderr).map((line) => JSON.parse(line) as { pointer: string; message: string });
    expect(problem.pointer).toBe('/EPCISDocument/EPCISBody/EventList/ObjectEvent[1]/epcList');
    expect(problem.message).toMatch(/^Element 'epcList': This element is not expected\./);
  });

  it('exits 1 with one JSON line per problem, each with the exception type and a JSON pointer', async () => {
    const doc = JSON.parse(readFileSync(path.join(examples, 'Example_9.6.1-ObjectEvent.jsonld'), 'utf8'));
    doc.epcisBody.eventList[0].action = 'SHOUT';
    doc.epcisBody.eventList[0].eventTimeZoneOffset = '+25:00';
    const { code, stdout } = await run(['epcis', 'validate', '-'], JSON.stringify(doc));
    expect(code).toBe(1);
    const problems = lines(stdout).map(
      (l) => JSON.parse(l) as { type: string; pointer: string; message: string },
    );
    expect(problems.every((p) => p.type === 'epcisException:ValidationException')).toBe(true);
    expect(problems.every((p) => (p as { severity?: string }).severity === 'error')).toBe(true);
    expect(problems.map((p) => p.pointer)).toEqual(
      expect.arrayContaining(['/epcisBody/eventList/0/action', '/epcisBody/eventList/0/eventTimeZoneOffset']),
    );
  });

  it('exits 1 on malformed JSON and on malformed XML', async () => {
    expect((await run(['epcis', 'validate', '-'], '{"type": ')).code).toBe(1);
    const xml = await run(
      ['epcis', 'validate', '-'],
      '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody>',
    );
    expect(xml.code).toBe(1);
    expect(xml.stderr).toContain('epcisException:ValidationException');
  });

  it('exits 2 when the file cannot be read', async () => {
    const { code, stderr } = await run(['epcis', 'validate', '/no/such/file.jsonld']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read /no/such/file.jsonld: ENOENT');
  });
});

describe('pedigree epcis convert', () => {
  it('converts XML to JSON-LD and JSON-LD to XML without changing any event hash', async () => {
    const xmlFile = path.join(vectors, 'epcisDocWithVariousEventTypes.xml');
    const expected = lines(readFileSync(path.join(vectors, 'epcisDocWithVariousEventTypes.hashes'), 'utf8'));
    const jsonld = await run(['epcis', 'convert', '--to', 'jsonld', xmlFile]);
    expect(jsonld.code).toBe(0);
    expect(lines((await run(['epcis', 'hash', '-'], jsonld.stdout)).stdout)).toEqual(expected);
    const xml = await run(['epcis', 'convert', '--to', 'xml', '-'], jsonld.stdout);
    expect(xml.stdout).toMatch(/^<\?xml|^<epcis:EPCISDocument/);
    expect(lines((await run(['epcis', 'hash', '-'], xml.stdout)).stdout)).toEqual(expected);
  });

  it('refuses an unknown target format', async () => {
    const { code, stderr } = await run([
      'epcis',
      'convert',
      '--to',
      'csv',
      path.join(vectors, 'epcisDocWithSingleEvent.jsonld'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('--to must be jsonld or xml');
  });
});

describe('pedigree gs1 parse', () => {
  it('turns a scanned DataMatrix string into every form', async () => {
    const { code, stdout } = await run([
      'gs1',
      'parse',
      '--gcp-length',
      '7',
      ']d201095060001343521726123110ABC\u001d21XYZ',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      epcUri: 'urn:epc:id:sgtin:9506000.013435.XYZ',
      epcClassUri: 'urn:epc:class:lgtin:9506000.013435.ABC',
      digitalLink: 'https://id.gs1.org/01/09506000134352/10/ABC/21/XYZ?17=261231',
      elementString: '(01)09506000134352(17)261231(10)ABC(21)XYZ',
    });
  });

  it.each(['\\x1d', '\\u001d', '<GS>', '{GS}'])(
    'reads the group separator written as %s, as a shell user types it',
    async (notation) => {
      const { code, stdout } = await run([
        'gs1',
        'parse',
        '--gcp-length',
        '7',
        `]d201095060001343521726123110ABC${notation}21XYZ`,
      ]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({
        elementString: '(01)09506000134352(17)261231(10)ABC(21)XYZ',
      });
    },
  );

  it('keeps Digital Links strict', async () => {
    const { code, stderr } = await run(['gs1', 'parse', 'https://id.gs1.org/01/9506000134352']);
    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toMatchObject({ error: 'LENGTH', ai: '01' });
  });

  it('takes company-prefix lengths from a table file', async () => {
    const table = path.join(__dirname, '__fixtures__/prefix-lengths.json');
    const { stdout } = await run([
      'gs1',
      'parse',
      '--prefix-table',
      table,
      'https://example.com/01/09506000134352/21/7',
    ]);
    expect(JSON.parse(stdout).epcUri).toBe('urn:epc:id:sgtin:9506000.013435.7');
  });

  it('exits 1 with the GS1 error code for a bad check digit', async () => {
    const { code, stderr } = await run(['gs1', 'parse', '(01)09506000134353(21)X']);
    expect(code).toBe(1);
    expect(JSON.parse(stderr)).toMatchObject({ error: 'CHECK_DIGIT', ai: '01' });
  });
});

describe('pedigree --help', () => {
  it.each([
    [[]],
    [['gs1']],
    [['gs1', 'parse']],
    [['epcis']],
    [['epcis', 'validate']],
    [['epcis', 'hash']],
    [['epcis', 'convert']],
    [['kafka', 'ensure-topics']],
  ])('explains %j', async (command) => {
    const { code, stdout } = await run([...command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: pedigree/);
  });
});
