import { gs1StandardsPath } from '@pedigree/gs1';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EpcisException, type EpcisProblem } from '../errors';
import { parseEpcisJson } from '../jsonld/parse';
import { parseEpcisXml } from '../xml';
import { assertValidEpcisDocument, createEpcisValidator, validateEpcisDocument } from './validate';

const reference = gs1StandardsPath('gs1-epcis');
const examplesDir = path.join(reference, 'examples');
type Doc = { epcisBody: { eventList: Array<Record<string, unknown>> } } & Record<string, unknown>;
const load = (name: string): Doc => JSON.parse(readFileSync(path.join(examplesDir, name), 'utf8')) as Doc;
const E0 = '/epcisBody/eventList/0';

type Mutation = (event: Record<string, unknown>, doc: Doc) => void;

/** Validates a mutated copy of an example and returns its errors and warnings. */
function findingsAfter(
  example: string,
  mutate: Mutation,
): { problems: EpcisProblem[]; warnings: EpcisProblem[] } {
  const doc = load(example);
  mutate(doc.epcisBody.eventList[0], doc);
  const { problems, warnings } = validateEpcisDocument(doc);
  return { problems, warnings };
}

/** Validates a mutated copy of an example and returns its errors. */
function problemsAfter(example: string, mutate: Mutation): EpcisProblem[] {
  return findingsAfter(example, mutate).problems;
}

function thrown(document: unknown): EpcisException {
  try {
    assertValidEpcisDocument(document);
  } catch (error) {
    if (error instanceof EpcisException) return error;
    throw error;
  }
  throw new Error('expected a ValidationException');
}

/** The warnings GS1's all-possible-fields examples draw (every one has a single event with one sensor report). */
function allPossibleFieldsWarnings(sensorTimesAfterEvent: boolean): EpcisProblem[] {
  const at = `${E0}/sensorElementList/0`;
  const afterEvent = (pointer: string) => ({
    pointer,
    message: expect.stringContaining('is after the eventTime') as string,
  });
  return [
    ...(sensorTimesAfterEvent
      ? ['time', 'startTime', 'endTime'].map((field) => afterEvent(`${at}/sensorMetadata/${field}`))
      : []),
    {
      pointer: `${at}/sensorReport/0/chemicalSubstance`,
      message: 'a sensorReport names either a microorganism or a chemicalSubstance, not both',
    },
    { pointer: `${at}/sensorReport/0/meanValue`, message: 'meanValue 13.2 is below minValue 26' },
    ...(sensorTimesAfterEvent ? [afterEvent(`${at}/sensorReport/0/time`)] : []),
    {
      pointer: `${at}/sensorReport/0/time`,
      message: 'time lies outside the startTime–endTime interval of its sensorMetadata',
    },
    // Each example gives the five inline attributes both in its sensorMetadata and in its sensorReport.
    ...['deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'time'].map((field) => ({
      pointer: `${at}/sensorReport/0/${field}`,
      message: `${field} is also in the sensorMetadata; give it in the sensorMetadata or in the sensorReports, not both`,
    })),
  ];
}

describe('validateEpcisDocument on the GS1 examples', () => {
  const files = readdirSync(examplesDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonld'))
    .sort();
  const allPossibleFields = files.filter((f) => f.startsWith('all-possible-fields/'));
  // The association event's sensor times precede its eventTime; the other four events predate their sensor data.
  const sensorTimesAfterEvent = (file: string) => !file.includes('association_event');

  it('reads all examples, including the five all-possible-fields documents', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(allPossibleFields).toHaveLength(5);
  });

  it.each(files)('%s has no errors', (file) => {
    const result = validateEpcisDocument(load(file));
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each(files.filter((f) => !allPossibleFields.includes(f)))('%s has no warnings either', (file) => {
    expect(validateEpcisDocument(load(file)).warnings).toEqual([]);
  });

  it.each(allPossibleFields)('%s draws only the known sensor-data warnings', (file) => {
    expect(validateEpcisDocument(load(file)).warnings).toEqual(
      allPossibleFieldsWarnings(sensorTimesAfterEvent(file)),
    );
  });

  it.each(allPossibleFields)('%s is refused in strict mode, its warnings reported as errors', (file) => {
    const expected = allPossibleFieldsWarnings(sensorTimesAfterEvent(file));
    expect(validateEpcisDocument(load(file), { strict: true })).toEqual({
      valid: false,
      problems: expected,
      warnings: [],
    });
    expect(createEpcisValidator({ strict: true }).validate(load(file)).problems).toEqual(expected);
    expect(createEpcisValidator({ strict: true }).validate(load(file), { strict: false }).valid).toBe(true);
    expect(() => assertValidEpcisDocument(load(file))).not.toThrow();
    expect(() => assertValidEpcisDocument(load(file), { strict: true })).toThrow(EpcisException);
  });

  it.each(allPossibleFields.map((f) => f.replace(/\.jsonld$/, '.xml')))(
    '%s (XML) parses and validates like its JSON-LD twin',
    async (file) => {
      const doc = await parseEpcisXml(readFileSync(path.join(examplesDir, file), 'utf8'));
      const result = validateEpcisDocument(doc);
      expect(result.problems).toEqual([]);
      expect(result.warnings.map((w) => w.pointer)).toEqual(
        allPossibleFieldsWarnings(sensorTimesAfterEvent(file)).map((w) => w.pointer),
      );
      expect(validateEpcisDocument(doc, { strict: true }).valid).toBe(false);
    },
  );

  it('accepts the query document example as an EPCISQueryDocument', () => {
    const doc = parseEpcisJson(readFileSync(path.join(examplesDir, 'EPCISQueryDocument.jsonld'), 'utf8'));
    expect(doc.type).toBe('EPCISQueryDocument');
    expect(validateEpcisDocument(doc)).toEqual({ valid: true, problems: [], warnings: [] });
  });

  it('reports problems inside a query document with query-result pointers', () => {
    const doc = JSON.parse(readFileSync(path.join(examplesDir, 'EPCISQueryDocument.jsonld'), 'utf8'));
    doc.epcisBody.queryResults.resultsBody.eventList[1].bizStep = 'flying';
    expect(validateEpcisDocument(doc).problems).toEqual([
      {
        pointer: '/epcisBody/queryResults/resultsBody/eventList/1/bizStep',
        message: 'bizStep "flying" is not a CBV business step of CBV 2.0 and not a URI',
      },
    ]);
  });
});

describe('validateEpcisDocument rejects mutated examples', () => {
  it('an unknown action', () => {
    expect(problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => (e['action'] = 'MOVE'))).toEqual([
      { pointer: `${E0}/action`, message: 'action "MOVE" must be ADD, OBSERVE or DELETE' },
    ]);
  });

  it('an action on a TransformationEvent', () => {
    expect(problemsAfter('Example_9.6.4-TransformationEvent.jsonld', (e) => (e['action'] = 'ADD'))).toEqual([
      { pointer: `${E0}/action`, message: 'a TransformationEvent has no action' },
    ]);
  });

  it('a missing action on an ObjectEvent', () => {
    const problems = problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => delete e['action']);
    expect(problems).toEqual([
      { pointer: `${E0}/action`, message: 'a ObjectEvent requires action (ADD, OBSERVE or DELETE)' },
    ]);
  });

  it('an AggregationEvent ADD without parentID', () => {
    const problems = problemsAfter('Example_9.6.3-AggregationEvent.jsonld', (e) => {
      e['action'] = 'ADD';
      delete e['parentID'];
    });
    expect(problems).toEqual([
      { pointer: `${E0}/parentID`, message: 'an AggregationEvent with action ADD requires parentID' },
    ]);
  });

  it('an AggregationEvent OBSERVE without parentID is fine, DELETE without children is fine', () => {
    expect(problemsAfter('Example_9.6.3-AggregationEvent.jsonld', (e) => delete e['parentID'])).toEqual([]);
    const problems = problemsAfter('Example_9.6.3-AggregationEvent.jsonld', (e) => {
      e['action'] = 'DELETE';
      delete e['childEPCs'];
      delete e['childQuantityList'];
    });
    expect(problems).toEqual([]);
  });

  it('an AggregationEvent ADD without children', () => {
    const problems = problemsAfter('Example_9.6.3-AggregationEvent.jsonld', (e) => {
      e['action'] = 'ADD';
      delete e['childEPCs'];
      delete e['childQuantityList'];
    });
    expect(problems).toEqual([
      {
        pointer: `${E0}/childEPCs`,
        message: 'a AggregationEvent with action ADD requires childEPCs or childQuantityList',
      },
    ]);
  });

  it('ilmd in an ObjectEvent OBSERVE or DELETE (an error, as in the GS1 schema)', () => {
    const message = (action: string) =>
      `ilmd is only allowed in an ObjectEvent with action ADD, not ${action}`;
    expect(
      findingsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => (e['ilmd'] = { 'example:lot': 'L1' })),
    ).toEqual({ problems: [{ pointer: `${E0}/ilmd`, message: message('OBSERVE') }], warnings: [] });
    expect(
      findingsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => {
        e['action'] = 'DELETE';
        e['ilmd'] = { 'example:lot': 'L1' };
      }),
    ).toEqual({ problems: [{ pointer: `${E0}/ilmd`, message: message('DELETE') }], warnings: [] });
    expect(
      findingsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => {
        e['action'] = 'ADD';
        e['ilmd'] = { 'example:lot': 'L1' };
      }),
    ).toEqual({ problems: [], warnings: [] });
  });

  it('a bad check digit in a Digital Link SGTIN', () => {
    const problems = problemsAfter('Example_9.6.1-ObjectEventWithDigitalLink.jsonld', (e) => {
      (e['epcList'] as string[])[1] = 'https://id.gs1.org/01/70614141123452/21/2018';
    });
    expect(problems).toHaveLength(1);
    expect(problems[0].pointer).toBe(`${E0}/epcList/1`);
    expect(problems[0].message).toMatch(
      /^invalid GS1 Digital Link URI "https:\/\/id.gs1.org\/01\/70614141123452\/21\/2018": .*check digit/i,
    );
  });

  it('a malformed EPC URI (an error) and a class where an instance is expected (a warning)', () => {
    const { problems, warnings } = findingsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => {
      e['epcList'] = ['urn:epc:id:sgtin:0614141.10734.2017', 'urn:epc:class:lgtin:4012345.012345.998877'];
    });
    expect(problems.map((p) => p.pointer)).toEqual([`${E0}/epcList/0`]);
    expect(problems[0].message).toMatch(/^invalid EPC URI "urn:epc:id:sgtin:0614141.10734.2017": /);
    expect(warnings.map((p) => p.pointer)).toEqual([`${E0}/epcList/1`]);
    expect(warnings[0].message).toContain('is a class or pattern');
  });

  it('a serialised identifier as epcClass and a non-location readPoint are warnings', () => {
    const { problems, warnings } = findingsAfter('Example_9.6.3-AggregationEvent.jsonld', (e) => {
      (e['childQuantityList'] as Array<Record<string, unknown>>)[0]['epcClass'] =
        'urn:epc:id:sgtin:0614141.107346.2017';
      e['readPoint'] = { id: 'urn:epc:id:sscc:0614141.1234567890' };
    });
    expect(problems).toEqual([]);
    expect(warnings.map((p) => p.pointer)).toEqual([
      `${E0}/childQuantityList/0/epcClass`,
      `${E0}/readPoint/id`,
    ]);
  });

  it.each([
    ['+15:00', 'eventTimeZoneOffset "+15:00" is out of range (-14:00 to +14:00)'],
    ['+14:30', 'eventTimeZoneOffset "+14:30" is out of range (-14:00 to +14:00)'],
    ['+01:60', 'eventTimeZoneOffset "+01:60" has minutes out of range (00-59)'],
    ['+0100', 'eventTimeZoneOffset "+0100" must have the form ±hh:mm, e.g. +01:00'],
    ['Z', 'eventTimeZoneOffset "Z" must have the form ±hh:mm, e.g. +01:00'],
  ])('a bad time zone offset %s', (offset, message) => {
    expect(
      problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => (e['eventTimeZoneOffset'] = offset)),
    ).toEqual([{ pointer: `${E0}/eventTimeZoneOffset`, message }]);
  });

  it('accepts the extreme offsets -14:00 and +14:00', () => {
    expect(
      problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => (e['eventTimeZoneOffset'] = '-14:00')),
    ).toEqual([]);
    expect(
      problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => (e['eventTimeZoneOffset'] = '+14:00')),
    ).toEqual([]);
  });

  it('an eventTime without offset', () => {
    expect(
      problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => (e['eventTime'] = '2005-04-03T20:33:31.116')),
    ).toEqual([
      {
        pointer: `${E0}/eventTime`,
        message: 'eventTime "2005-04-03T20:33:31.116" must carry a time zone offset (Z or ±hh:mm)',
      },
    ]);
  });

  it('an unknown bizStep word and an EPCIS 1.2 URN (errors), an unknown CBV URI (a warning)', () => {
    expect(problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => (e['bizStep'] = 'flying'))).toEqual([
      {
        pointer: `${E0}/bizStep`,
        message: 'bizStep "flying" is not a CBV business step of CBV 2.0 and not a URI',
      },
    ]);
    expect(
      problemsAfter(
        'Example_9.6.1-ObjectEvent.jsonld',
        (e) => (e['bizStep'] = 'urn:epcglobal:cbv:bizstep:shipping'),
      ),
    ).toEqual([
      {
        pointer: `${E0}/bizStep`,
        message:
          'bizStep uses the EPCIS 1.x URN form "urn:epcglobal:cbv:bizstep:shipping"; EPCIS 2.0 JSON uses the bare word "shipping"',
      },
    ]);
    expect(
      findingsAfter(
        'Example_9.6.1-ObjectEvent.jsonld',
        (e) => (e['disposition'] = 'https://ref.gs1.org/cbv/Disp-lost'),
      ),
    ).toEqual({
      problems: [],
      warnings: [
        {
          pointer: `${E0}/disposition`,
          message: 'disposition "https://ref.gs1.org/cbv/Disp-lost" is not a CBV disposition of CBV 2.0',
        },
      ],
    });
  });

  it('accepts CBV values as full URIs and CURIEs, and user vocabulary URIs', () => {
    expect(
      problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e) => {
        e['bizStep'] = 'https://ref.gs1.org/cbv/BizStep-shipping';
        e['disposition'] = 'cbv:Disp-in_transit';
        (e['bizTransactionList'] as Array<Record<string, unknown>>)[0]['type'] =
          'https://example.com/btt/contract';
      }),
    ).toEqual([]);
  });

  it('unknown source/destination and business transaction types', () => {
    const problems = problemsAfter('Example_9.6.2-ObjectEvent.jsonld', (e) => {
      (e['sourceList'] as Array<Record<string, unknown>>)[0]['type'] = 'shipper';
    });
    expect(problems).toEqual([
      {
        pointer: `${E0}/sourceList/0/type`,
        message: 'type "shipper" is not a CBV source/destination type of CBV 2.0 and not a URI',
      },
    ]);
  });

  it('a sensor report with uom but no value', () => {
    const problems = problemsAfter('SensorDataExample1.jsonld', (e) => {
      const reports = (e['sensorElementList'] as Array<{ sensorReport: Array<Record<string, unknown>> }>)[0]
        .sensorReport;
      delete reports[1]['value'];
    });
    expect(problems).toEqual([
      {
        pointer: `${E0}/sensorElementList/0/sensorReport/1/uom`,
        message:
          'uom is only allowed with a numeric measurement (value, minValue, maxValue, meanValue, sDev, percValue) or rawData',
      },
    ]);
  });

  it('a sensor report with uom and rawData but no value (the unit of the raw data) is accepted', () => {
    const problems = problemsAfter('SensorDataExample1.jsonld', (e) => {
      const reports = (e['sensorElementList'] as Array<{ sensorReport: Array<Record<string, unknown>> }>)[0]
        .sensorReport;
      delete reports[1]['value'];
      reports[1]['rawData'] = 'https://example.org/raw/4711';
    });
    expect(problems).toEqual([]);
  });

  it('sensor reports with inconsistent statistics, bad uom and times after the event', () => {
    const { problems, warnings } = findingsAfter('SensorDataExample1.jsonld', (e) => {
      const element = (
        e['sensorElementList'] as Array<{
          sensorMetadata: Record<string, unknown>;
          sensorReport: Array<Record<string, unknown>>;
        }>
      )[0];
      element.sensorMetadata['time'] = '2019-04-02T15:00:01.000+01:00';
      element.sensorReport[0] = { type: 'Temperature', minValue: 5, maxValue: 2, sDev: 1, uom: 'cel' };
      element.sensorReport[1] = { exception: 'ALARM_CONDITION', booleanValue: true };
    });
    const at = `${E0}/sensorElementList/0`;
    expect(problems).toEqual(
      expect.arrayContaining([
        { pointer: `${at}/sensorReport/0/uom`, message: expect.stringContaining('UN/ECE Recommendation 20') },
        { pointer: `${at}/sensorReport/0/sDev`, message: 'sDev is only allowed together with meanValue' },
      ]),
    );
    expect(warnings).toEqual([
      { pointer: `${at}/sensorMetadata/time`, message: expect.stringContaining('is after the eventTime') },
      { pointer: `${at}/sensorReport/0/minValue`, message: 'minValue 5 is greater than maxValue 2' },
    ]);
    // The GS1 schema requires `type`; a report with only an exception is reported by the schema.
    expect(problems).toContainEqual({ pointer: `${at}/sensorReport/1/type`, message: 'type is required' });
  });

  it('a sensor report with neither type nor exception', () => {
    const problems = problemsAfter('SensorDataExample1.jsonld', (e) => {
      const reports = (e['sensorElementList'] as Array<{ sensorReport: Array<Record<string, unknown>> }>)[0]
        .sensorReport;
      delete reports[0]['type'];
    });
    expect(problems).toEqual([
      {
        pointer: `${E0}/sensorElementList/0/sensorReport/0/type`,
        message: 'a sensorReport requires a type (measurement type) or an exception (alert type)',
      },
    ]);
  });

  it('an unknown measurement type word and a GS1 Web Vocabulary URI', () => {
    const problems = problemsAfter('SensorDataExample1.jsonld', (e) => {
      const reports = (e['sensorElementList'] as Array<{ sensorReport: Array<Record<string, unknown>> }>)[0]
        .sensorReport;
      reports[0]['type'] = 'Temprature';
      reports[1]['type'] = 'https://gs1.org/voc/AbsoluteHumidity';
    });
    expect(problems.map((p) => p.pointer)).toEqual([
      `${E0}/sensorElementList/0/sensorReport/0/type`,
      `${E0}/sensorElementList/0/sensorReport/1/type`,
    ]);
    expect(problems[1].message).toContain('use the bare word "AbsoluteHumidity"');
  });

  it('an errorDeclaration without declarationTime', () => {
    expect(
      problemsAfter(
        'Example_9.6.1-ObjectEvent.jsonld',
        (e) => (e['errorDeclaration'] = { reason: 'incorrect_data' }),
      ),
    ).toEqual([
      {
        pointer: `${E0}/errorDeclaration/declarationTime`,
        message: 'an errorDeclaration requires declarationTime',
      },
    ]);
  });

  it('quantity elements: unit format (an error), uom without quantity and fractional counts (warnings)', () => {
    const { problems, warnings } = findingsAfter('Example_9.6.3-AggregationEvent.jsonld', (e) => {
      const list = e['childQuantityList'] as Array<Record<string, unknown>>;
      list[0]['quantity'] = 10.5;
      list[1]['uom'] = 'kgm';
      list.push({ epcClass: 'urn:epc:class:lgtin:4012345.012345.1', uom: 'KGM' });
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          pointer: `${E0}/childQuantityList/1/uom`,
          message: expect.stringContaining('UN/ECE Recommendation 20'),
        },
      ]),
    );
    expect(warnings).toEqual([
      {
        pointer: `${E0}/childQuantityList/0/quantity`,
        message: 'a quantity without uom is a count and must be an integer',
      },
      { pointer: `${E0}/childQuantityList/2/uom`, message: 'uom is only allowed together with quantity' },
    ]);
  });

  it('a TransformationEvent with only outputs and no transformationID', () => {
    const problems = problemsAfter('Example_9.6.4-TransformationEvent.jsonld', (e) => {
      delete e['inputEPCList'];
      delete e['inputQuantityList'];
    });
    expect(problems).toEqual([
      {
        pointer: E0,
        message: 'a TransformationEvent without transformationID requires at least one input and one output',
      },
    ]);
  });

  it('a non-namespaced extension field and missing required document fields (from the GS1 schema)', () => {
    const problems = problemsAfter('Example_9.6.1-ObjectEvent.jsonld', (e, doc) => {
      e['myField'] = 1;
      delete doc['creationDate'];
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { pointer: `${E0}/myField`, message: expect.stringContaining('extension fields must be namespaced') },
        { pointer: '/creationDate', message: 'creationDate is required' },
      ]),
    );
  });

  it('assertValidEpcisDocument throws a ValidationException carrying all problems', () => {
    const doc = load('Example_9.6.1-ObjectEvent.jsonld');
    doc.epcisBody.eventList[0]['bizStep'] = 'flying';
    doc.epcisBody.eventList[1]['eventTimeZoneOffset'] = '+25:00';
    const error = thrown(doc);
    expect(error.exceptionType).toBe('ValidationException');
    expect(error.problems.map((p) => p.pointer)).toEqual([
      `${E0}/bizStep`,
      '/epcisBody/eventList/1/eventTimeZoneOffset',
    ]);
    expect(() => assertValidEpcisDocument(load('Example_9.6.1-ObjectEvent.jsonld'))).not.toThrow();
  });

  it('rejects values that are not documents', () => {
    expect(validateEpcisDocument('text').valid).toBe(false);
    expect(validateEpcisDocument({ type: 'EPCISDocument' }).problems.map((p) => p.pointer)).toEqual(
      expect.arrayContaining(['/@context', '/schemaVersion', '/creationDate', '/epcisBody']),
    );
  });
});

describe('createEpcisValidator', () => {
  it('loads the schema from an explicit path', () => {
    const validator = createEpcisValidator({ schemaPath: path.join(reference, 'EPCIS-JSON-Schema.json') });
    expect(validator.validate(load('Example_9.6.1-ObjectEvent.jsonld')).valid).toBe(true);
  });

  it('fails clearly when the schema file is missing', () => {
    expect(() => createEpcisValidator({ schemaPath: '/nonexistent/EPCIS-JSON-Schema.json' })).toThrow(
      /ENOENT/,
    );
  });
});
