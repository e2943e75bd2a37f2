import { gs1StandardsPath } from '@pedigree/gs1';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Severity } from './collector';
import { validateEpcisDocument } from './validate';

/**
 * One case per rule of docs/epcis-validation-rules.md: a GS1 example broken so that the rule fires (an error or a
 * warning, with its message), and a variant that keeps the rule. Strict mode reports every warning as an error.
 */
type Json = Record<string, unknown>;
type Mutation = (event: Json) => void;

const examplesDir = path.join(gs1StandardsPath('gs1-epcis'), 'examples');
const E0 = '/epcisBody/eventList/0';
const S0 = `${E0}/sensorElementList/0`;

function validated(example: string, mutate: Mutation, strict = false) {
  const doc = JSON.parse(readFileSync(path.join(examplesDir, example), 'utf8')) as {
    epcisBody: { eventList: Json[] };
  };
  mutate(doc.epcisBody.eventList[0]);
  return validateEpcisDocument(doc, { strict });
}

const list = (event: Json, field: string) => event[field] as Json[];
const element = (event: Json) =>
  list(event, 'sensorElementList')[0] as { sensorMetadata: Json; sensorReport: Json[] };
const metadata = (event: Json) => element(event).sensorMetadata;
const report = (event: Json, index = 0) => element(event).sensorReport[index];

interface RuleCase {
  rule: string;
  severity: Severity;
  example: string;
  broken: Mutation;
  pointer: string;
  message: string;
  /** A variant of the example that keeps the rule; default the example itself. */
  kept?: Mutation;
}

const OBJECT = 'Example_9.6.1-ObjectEvent.jsonld';
const AGGREGATION = 'Example_9.6.3-AggregationEvent.jsonld';
const TRANSFORMATION = 'Example_9.6.4-TransformationEvent.jsonld';
const TRANSACTION = 'Example-TransactionEvents-2020_07_03y.jsonld';
const SENSOR = 'SensorDataExample1.jsonld';
const unchanged: Mutation = () => undefined;

const cases: RuleCase[] = [
  {
    rule: 'eventTime is a date-time with offset',
    severity: 'error',
    example: OBJECT,
    broken: (e) => (e['eventTime'] = '2005-04-03T20:33:31.116'),
    kept: (e) => (e['eventTime'] = '2005-04-03T20:33:31.116Z'),
    pointer: `${E0}/eventTime`,
    message: 'eventTime "2005-04-03T20:33:31.116" must carry a time zone offset (Z or ±hh:mm)',
  },
  {
    rule: 'recordTime is a date-time with offset',
    severity: 'error',
    example: OBJECT,
    broken: (e) => (e['recordTime'] = 'yesterday'),
    kept: (e) => (e['recordTime'] = '2005-04-04T00:00:00Z'),
    pointer: `${E0}/recordTime`,
    message:
      'recordTime "yesterday" must be an RFC 3339 date-time with offset, e.g. 2024-05-01T10:00:00.000+02:00',
  },
  {
    rule: 'eventTimeZoneOffset is ±hh:mm within -14:00…+14:00',
    severity: 'error',
    example: OBJECT,
    broken: (e) => (e['eventTimeZoneOffset'] = '+15:00'),
    kept: (e) => (e['eventTimeZoneOffset'] = '+14:00'),
    pointer: `${E0}/eventTimeZoneOffset`,
    message: 'eventTimeZoneOffset "+15:00" is out of range (-14:00 to +14:00)',
  },
  {
    rule: 'action is ADD, OBSERVE or DELETE',
    severity: 'error',
    example: OBJECT,
    broken: (e) => (e['action'] = 'MOVE'),
    kept: (e) => (e['action'] = 'DELETE'),
    pointer: `${E0}/action`,
    message: 'action "MOVE" must be ADD, OBSERVE or DELETE',
  },
  {
    rule: 'a TransformationEvent has no action',
    severity: 'error',
    example: TRANSFORMATION,
    broken: (e) => (e['action'] = 'ADD'),
    pointer: `${E0}/action`,
    message: 'a TransformationEvent has no action',
  },
  {
    rule: 'an ObjectEvent names its objects',
    severity: 'error',
    example: OBJECT,
    broken: (e) => delete e['epcList'],
    kept: (e) => {
      delete e['epcList'];
      e['quantityList'] = [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 1 }];
    },
    pointer: E0,
    message: 'an ObjectEvent requires epcList or quantityList (or sensorElementList with readPoint)',
  },
  {
    rule: 'ilmd only in an ObjectEvent with action ADD',
    severity: 'error',
    example: OBJECT,
    broken: (e) => (e['ilmd'] = { 'example:lot': 'L1' }),
    kept: (e) => {
      e['action'] = 'ADD';
      e['ilmd'] = { 'example:lot': 'L1' };
    },
    pointer: `${E0}/ilmd`,
    message: 'ilmd is only allowed in an ObjectEvent with action ADD, not OBSERVE',
  },
  {
    rule: 'an AggregationEvent ADD or DELETE has a parentID',
    severity: 'error',
    example: AGGREGATION,
    broken: (e) => {
      e['action'] = 'ADD';
      delete e['parentID'];
    },
    kept: (e) => delete e['parentID'],
    pointer: `${E0}/parentID`,
    message: 'an AggregationEvent with action ADD requires parentID',
  },
  {
    rule: 'an AggregationEvent other than DELETE has children',
    severity: 'error',
    example: AGGREGATION,
    broken: (e) => {
      delete e['childEPCs'];
      delete e['childQuantityList'];
    },
    kept: (e) => {
      e['action'] = 'DELETE';
      delete e['childEPCs'];
      delete e['childQuantityList'];
    },
    pointer: `${E0}/childEPCs`,
    message: 'a AggregationEvent with action OBSERVE requires childEPCs or childQuantityList',
  },
  {
    rule: 'a TransactionEvent has a bizTransaction',
    severity: 'error',
    example: TRANSACTION,
    broken: (e) => (e['bizTransactionList'] = []),
    pointer: `${E0}/bizTransactionList`,
    message: 'a TransactionEvent requires at least one bizTransaction',
  },
  {
    rule: 'a TransactionEvent other than DELETE names its objects',
    severity: 'error',
    example: TRANSACTION,
    broken: (e) => delete e['epcList'],
    pointer: `${E0}/epcList`,
    message: 'a TransactionEvent with action ADD requires epcList or quantityList',
  },
  {
    rule: 'a TransformationEvent has inputs and outputs (either, with a transformationID)',
    severity: 'error',
    example: TRANSFORMATION,
    broken: (e) => {
      delete e['inputEPCList'];
      delete e['inputQuantityList'];
    },
    kept: (e) => {
      delete e['inputEPCList'];
      delete e['inputQuantityList'];
      e['transformationID'] = 'urn:uuid:7c6f3a5e-0c8e-4b8a-9c1a-2d3e4f5a6b7c';
    },
    pointer: E0,
    message: 'a TransformationEvent without transformationID requires at least one input and one output',
  },
  {
    rule: 'a bare vocabulary word is a CBV 2.0 term',
    severity: 'error',
    example: OBJECT,
    broken: (e) => (e['bizStep'] = 'flying'),
    kept: (e) => (e['bizStep'] = 'receiving'),
    pointer: `${E0}/bizStep`,
    message: 'bizStep "flying" is not a CBV business step of CBV 2.0 and not a URI',
  },
  {
    rule: 'no EPCIS 1.x CBV URNs in EPCIS 2.0 JSON',
    severity: 'error',
    example: OBJECT,
    broken: (e) => (e['disposition'] = 'urn:epcglobal:cbv:disp:in_transit'),
    kept: (e) => (e['disposition'] = 'https://ref.gs1.org/cbv/Disp-in_transit'),
    pointer: `${E0}/disposition`,
    message:
      'disposition uses the EPCIS 1.x URN form "urn:epcglobal:cbv:disp:in_transit"; EPCIS 2.0 JSON uses the bare word "in_transit"',
  },
  {
    rule: 'no GS1 Web Vocabulary URIs for measurement types',
    severity: 'error',
    example: SENSOR,
    broken: (e) => (report(e)['type'] = 'https://gs1.org/voc/Temperature'),
    kept: (e) => (report(e)['type'] = 'gs1:Temperature'),
    pointer: `${S0}/sensorReport/0/type`,
    message:
      'type "https://gs1.org/voc/Temperature": GS1 Web Vocabulary URIs are not allowed here, use the bare word "Temperature"',
  },
  {
    rule: 'a URI in the CBV namespace names a CBV term',
    severity: 'warning',
    example: OBJECT,
    broken: (e) => (e['disposition'] = 'https://ref.gs1.org/cbv/Disp-lost'),
    kept: (e) => (e['disposition'] = 'https://example.com/disp/lost'),
    pointer: `${E0}/disposition`,
    message: 'disposition "https://ref.gs1.org/cbv/Disp-lost" is not a CBV disposition of CBV 2.0',
  },
  {
    rule: 'a persistentDisposition is not both set and unset',
    severity: 'warning',
    example: OBJECT,
    broken: (e) =>
      (e['persistentDisposition'] = { set: ['completeness_verified'], unset: ['completeness_verified'] }),
    kept: (e) =>
      (e['persistentDisposition'] = { set: ['completeness_verified'], unset: ['completeness_inferred'] }),
    pointer: `${E0}/persistentDisposition/unset/0`,
    message: '"completeness_verified" is both set and unset',
  },
  {
    rule: 'EPC URIs are well-formed (Tag Data Standard)',
    severity: 'error',
    example: OBJECT,
    broken: (e) => ((e['epcList'] as string[])[0] = 'urn:epc:id:sgtin:0614141.10734.2017'),
    pointer: `${E0}/epcList/0`,
    message:
      'invalid EPC URI "urn:epc:id:sgtin:0614141.10734.2017": EPC URI "urn:epc:id:sgtin:0614141.10734.2017": indicator and item reference "10734" must be 6 digits with a 7-digit company prefix',
  },
  {
    rule: 'epcList names instances, not classes',
    severity: 'warning',
    example: OBJECT,
    broken: (e) => ((e['epcList'] as string[])[1] = 'urn:epc:class:lgtin:4012345.012345.998877'),
    pointer: `${E0}/epcList/1`,
    message:
      '"urn:epc:class:lgtin:4012345.012345.998877" is a class or pattern, not the identifier of one object',
  },
  {
    rule: 'epcClass names a class',
    severity: 'warning',
    example: AGGREGATION,
    broken: (e) => (list(e, 'childQuantityList')[0]['epcClass'] = 'urn:epc:id:sgtin:0614141.107346.2017'),
    pointer: `${E0}/childQuantityList/0/epcClass`,
    message:
      '"urn:epc:id:sgtin:0614141.107346.2017" identifies one object; epcClass needs a class (urn:epc:class:…) or pattern (urn:epc:idpat:…)',
  },
  {
    rule: 'readPoint and bizLocation name locations',
    severity: 'warning',
    example: OBJECT,
    broken: (e) => (e['readPoint'] = { id: 'urn:epc:id:sscc:0614141.1234567890' }),
    pointer: `${E0}/readPoint/id`,
    message: '"urn:epc:id:sscc:0614141.1234567890" is not a location identifier (sgln)',
  },
  {
    rule: 'sources and destinations name parties or locations',
    severity: 'warning',
    example: 'Example_9.6.2-ObjectEvent.jsonld',
    broken: (e) => (list(e, 'sourceList')[0]['source'] = 'urn:epc:id:sgtin:0614141.107346.2017'),
    pointer: `${E0}/sourceList/0/source`,
    message: '"urn:epc:id:sgtin:0614141.107346.2017" is not a party or location identifier (pgln, sgln)',
  },
  {
    rule: 'a quantity uom is a UN/ECE Recommendation 20 code',
    severity: 'error',
    example: TRANSFORMATION,
    broken: (e) => (list(e, 'inputQuantityList')[0]['uom'] = 'kgm'),
    pointer: `${E0}/inputQuantityList/0/uom`,
    message: 'uom "kgm" must be a UN/ECE Recommendation 20 code (2-3 upper-case letters or digits)',
  },
  {
    rule: 'a quantity uom comes with a quantity',
    severity: 'warning',
    example: TRANSFORMATION,
    broken: (e) => delete list(e, 'inputQuantityList')[0]['quantity'],
    pointer: `${E0}/inputQuantityList/0/uom`,
    message: 'uom is only allowed together with quantity',
  },
  {
    rule: 'a quantity is not negative',
    severity: 'warning',
    example: TRANSFORMATION,
    broken: (e) => (list(e, 'inputQuantityList')[0]['quantity'] = -10),
    pointer: `${E0}/inputQuantityList/0/quantity`,
    message: 'quantity must not be negative',
  },
  {
    rule: 'a quantity without uom is a whole count',
    severity: 'warning',
    example: TRANSFORMATION,
    broken: (e) => (list(e, 'inputQuantityList')[1]['quantity'] = 30.5),
    kept: (e) => (list(e, 'inputQuantityList')[0]['quantity'] = 10.5),
    pointer: `${E0}/inputQuantityList/1/quantity`,
    message: 'a quantity without uom is a count and must be an integer',
  },
  {
    rule: 'an errorDeclaration has a declarationTime',
    severity: 'error',
    example: OBJECT,
    broken: (e) => (e['errorDeclaration'] = { reason: 'incorrect_data' }),
    kept: (e) =>
      (e['errorDeclaration'] = { reason: 'incorrect_data', declarationTime: '2006-01-01T00:00:00Z' }),
    pointer: `${E0}/errorDeclaration/declarationTime`,
    message: 'an errorDeclaration requires declarationTime',
  },
  {
    rule: 'a sensorElement has a sensorReport',
    severity: 'error',
    example: SENSOR,
    broken: (e) => (element(e).sensorReport = []),
    pointer: `${S0}/sensorReport`,
    message: 'a sensorElement requires at least one sensorReport',
  },
  {
    rule: 'a sensorReport has a type or an exception',
    severity: 'error',
    example: SENSOR,
    broken: (e) => delete report(e)['type'],
    pointer: `${S0}/sensorReport/0/type`,
    message: 'a sensorReport requires a type (measurement type) or an exception (alert type)',
  },
  {
    rule: 'a sensorReport with a component has a value',
    severity: 'error',
    example: SENSOR,
    broken: (e) => {
      report(e)['component'] = 'x';
      delete report(e)['value'];
      delete report(e)['uom'];
    },
    kept: (e) => (report(e)['component'] = 'x'),
    pointer: `${S0}/sensorReport/0/component`,
    message: 'a sensorReport with a component requires a value',
  },
  {
    rule: 'a sensor uom is a UN/ECE Recommendation 20 code',
    severity: 'error',
    example: SENSOR,
    broken: (e) => (report(e)['uom'] = 'cel'),
    pointer: `${S0}/sensorReport/0/uom`,
    message: 'uom "cel" must be a UN/ECE Recommendation 20 code (2-3 upper-case letters or digits)',
  },
  {
    rule: 'a sensor uom comes with a numeric value (or rawData)',
    severity: 'error',
    example: SENSOR,
    broken: (e) => delete report(e)['value'],
    kept: (e) => {
      delete report(e)['value'];
      report(e)['rawData'] = 'https://example.org/raw/4711';
    },
    pointer: `${S0}/sensorReport/0/uom`,
    message:
      'uom is only allowed with a numeric measurement (value, minValue, maxValue, meanValue, sDev, percValue) or rawData',
  },
  {
    rule: 'sDev only with meanValue',
    severity: 'error',
    example: SENSOR,
    broken: (e) => (report(e)['sDev'] = 0.1),
    kept: (e) => Object.assign(report(e), { sDev: 0.1, meanValue: 26 }),
    pointer: `${S0}/sensorReport/0/sDev`,
    message: 'sDev is only allowed together with meanValue',
  },
  {
    rule: 'percRank and percValue together',
    severity: 'error',
    example: SENSOR,
    broken: (e) => (report(e)['percRank'] = 50),
    kept: (e) => Object.assign(report(e), { percRank: 50, percValue: 26 }),
    pointer: `${S0}/sensorReport/0/percRank`,
    message: 'percRank and percValue must be given together',
  },
  {
    rule: 'startTime is not after endTime',
    severity: 'error',
    example: SENSOR,
    broken: (e) =>
      Object.assign(metadata(e), {
        startTime: '2019-04-02T14:30:00+01:00',
        endTime: '2019-04-02T14:00:00+01:00',
      }),
    kept: (e) =>
      Object.assign(metadata(e), {
        startTime: '2019-04-02T14:00:00+01:00',
        endTime: '2019-04-02T14:30:00+01:00',
      }),
    pointer: `${S0}/sensorMetadata/startTime`,
    message: 'startTime must not be after endTime',
  },
  {
    rule: 'sensorMetadata time is not after the eventTime',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => (metadata(e)['time'] = '2019-04-02T15:00:01.000+01:00'),
    kept: (e) => (metadata(e)['time'] = '2019-04-02T15:00:00.000+01:00'),
    pointer: `${S0}/sensorMetadata/time`,
    message:
      'time 2019-04-02T15:00:01.000+01:00 is after the eventTime; sensor data must not postdate the event',
  },
  {
    rule: 'sensorMetadata endTime is not after the eventTime',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => (metadata(e)['endTime'] = '2019-04-02T16:00:00+01:00'),
    kept: (e) => (metadata(e)['endTime'] = '2019-04-02T15:00:00+01:00'),
    pointer: `${S0}/sensorMetadata/endTime`,
    message:
      'endTime 2019-04-02T16:00:00+01:00 is after the eventTime; sensor data must not postdate the event',
  },
  {
    rule: 'sensorReport time is not after the eventTime',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => (report(e)['time'] = '2019-04-02T16:00:00+01:00'),
    kept: (e) => {
      // The report's own time, so none in the sensorMetadata (an inline attribute is in one or the other).
      delete metadata(e)['time'];
      report(e)['time'] = '2019-04-02T14:59:00+01:00';
    },
    pointer: `${S0}/sensorReport/0/time`,
    message: 'time 2019-04-02T16:00:00+01:00 is after the eventTime; sensor data must not postdate the event',
  },
  {
    rule: 'a sensorReport names a microorganism or a chemicalSubstance, not both',
    severity: 'warning',
    example: SENSOR,
    broken: (e) =>
      Object.assign(report(e), {
        microorganism: 'https://www.ncbi.nlm.nih.gov/taxonomy/1126011',
        chemicalSubstance: 'https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N',
      }),
    kept: (e) => (report(e)['microorganism'] = 'https://www.ncbi.nlm.nih.gov/taxonomy/1126011'),
    pointer: `${S0}/sensorReport/0/chemicalSubstance`,
    message: 'a sensorReport names either a microorganism or a chemicalSubstance, not both',
  },
  {
    rule: 'minValue is not above maxValue',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => Object.assign(report(e), { minValue: 27, maxValue: 25 }),
    kept: (e) => Object.assign(report(e), { minValue: 25, maxValue: 27 }),
    pointer: `${S0}/sensorReport/0/minValue`,
    message: 'minValue 27 is greater than maxValue 25',
  },
  {
    rule: 'value lies within minValue–maxValue',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => Object.assign(report(e), { minValue: 26.5 }),
    kept: (e) => Object.assign(report(e), { minValue: 26 }),
    pointer: `${S0}/sensorReport/0/value`,
    message: 'value 26 is below minValue 26.5',
  },
  {
    rule: 'meanValue lies within minValue–maxValue',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => Object.assign(report(e), { meanValue: 30, maxValue: 28 }),
    kept: (e) => Object.assign(report(e), { meanValue: 27, maxValue: 28 }),
    pointer: `${S0}/sensorReport/0/meanValue`,
    message: 'meanValue 30 is above maxValue 28',
  },
  {
    rule: 'sDev is not negative',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => Object.assign(report(e), { meanValue: 26, sDev: -1 }),
    kept: (e) => Object.assign(report(e), { meanValue: 26, sDev: 0 }),
    pointer: `${S0}/sensorReport/0/sDev`,
    message: 'sDev must not be negative',
  },
  {
    rule: 'percRank lies within 0–100',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => Object.assign(report(e), { percRank: 150, percValue: 26 }),
    kept: (e) => Object.assign(report(e), { percRank: 100, percValue: 26 }),
    pointer: `${S0}/sensorReport/0/percRank`,
    message: 'percRank must be between 0 and 100',
  },
  {
    rule: 'a sensorReport time lies within its sensorMetadata startTime–endTime',
    severity: 'warning',
    example: SENSOR,
    broken: (e) => {
      Object.assign(metadata(e), {
        startTime: '2019-04-02T14:00:00+01:00',
        endTime: '2019-04-02T14:30:00+01:00',
      });
      report(e)['time'] = '2019-04-02T14:45:00+01:00';
    },
    kept: (e) => {
      Object.assign(metadata(e), {
        startTime: '2019-04-02T14:00:00+01:00',
        endTime: '2019-04-02T14:30:00+01:00',
      });
      delete metadata(e)['time'];
      report(e)['time'] = '2019-04-02T14:15:00+01:00';
    },
    pointer: `${S0}/sensorReport/0/time`,
    message: 'time lies outside the startTime–endTime interval of its sensorMetadata',
  },
  {
    rule: 'an inline attribute is in the sensorMetadata or in its sensorReports, not both',
    severity: 'warning',
    example: SENSOR,
    // SensorDataExample1 gives deviceID in the sensorMetadata only.
    broken: (e) => (report(e, 1)['deviceID'] = 'urn:epc:id:giai:4000001.222'),
    kept: (e) => {
      report(e, 1)['deviceID'] = 'urn:epc:id:giai:4000001.222';
      delete metadata(e)['deviceID'];
    },
    pointer: `${S0}/sensorReport/1/deviceID`,
    message:
      'deviceID is also in the sensorMetadata; give it in the sensorMetadata or in the sensorReports, not both',
  },
];

describe.each(cases)(
  'rule: $rule ($severity)',
  ({ severity, example, broken, kept = unchanged, pointer, message }) => {
    const finding = { pointer, message };

    it('is reported with its severity and message when broken', () => {
      const result = validated(example, broken);
      const [reported, other] =
        severity === 'error' ? [result.problems, result.warnings] : [result.warnings, result.problems];
      expect(reported).toContainEqual(finding);
      expect(other).not.toContainEqual(finding);
      expect(result.valid).toBe(severity === 'warning' ? result.problems.length === 0 : false);
    });

    it('is an error in strict mode', () => {
      const result = validated(example, broken, true);
      expect(result.problems).toContainEqual(finding);
      expect(result).toMatchObject({ valid: false, warnings: [] });
    });

    it('is silent when kept', () => {
      const result = validated(example, kept);
      expect([...result.problems, ...result.warnings].filter((p) => p.pointer === pointer)).toEqual([]);
    });
  },
);
