import { applyDecorators } from '@nestjs/common';
import { ApiQuery, type ApiQueryOptions } from '@nestjs/swagger';
import { EPCIS_ACTIONS, EPCIS_EVENT_TYPES } from '@pedigree/epcis';

/**
 * The OpenAPI description of the SimpleEventQuery parameters of `GET /events` (and `GET /epcs/{epc}/events`): every
 * fixed parameter of GS1's EPCIS 2.0 query schema as a declared query parameter, the parameter families (names with a
 * field or unit in them, which OpenAPI cannot declare one by one) in the operation's description.
 */

/** The schema of a parameter declared with `schema` (the form of ApiQueryOptions that has one). */
type SchemaObject = Extract<ApiQueryOptions, { schema: unknown }>['schema'];

type Declaration = [name: string, schema: SchemaObject, description: string, example?: unknown];

const list = (description: string): SchemaObject => ({
  type: 'array',
  items: { type: 'string' },
  description,
});
const time: SchemaObject = { type: 'string', format: 'date-time' };
const number: SchemaObject = { type: 'number' };
const count: SchemaObject = { type: 'integer', minimum: 1, maximum: 1_000_000_000 };
const flag: SchemaObject = { type: 'string', enum: ['', 'true', 'false'] };

const FIXED: Declaration[] = [
  [
    'eventType',
    { type: 'array', items: { type: 'string', enum: [...EPCIS_EVENT_TYPES] } },
    'event types',
    ['ObjectEvent'],
  ],
  ['GE_eventTime', time, 'eventTime at or after'],
  ['LT_eventTime', time, 'eventTime before'],
  ['GE_recordTime', time, 'recordTime at or after'],
  ['LT_recordTime', time, 'recordTime before'],
  ['EQ_action', { type: 'array', items: { type: 'string', enum: [...EPCIS_ACTIONS] } }, 'actions'],
  ['EQ_bizStep', list('business steps (bare CBV words or URIs)'), 'bizStep is one of', ['commissioning']],
  ['EQ_disposition', list('dispositions'), 'disposition is one of', ['active']],
  ['EQ_persistentDisposition_set', list('dispositions'), 'persistentDisposition.set has one of'],
  ['EQ_persistentDisposition_unset', list('dispositions'), 'persistentDisposition.unset has one of'],
  [
    'EQ_quantity',
    { type: 'array', items: { type: 'number' } },
    'a quantity element (any unit) equals one of',
  ],
  ['GT_quantity', number, 'a quantity element (any unit) above'],
  ['GE_quantity', number, 'a quantity element (any unit) at or above'],
  ['LT_quantity', number, 'a quantity element (any unit) below'],
  ['LE_quantity', number, 'a quantity element (any unit) at or below'],
  ['EQ_readPoint', list('location URIs'), 'readPoint is one of'],
  [
    'WD_readPoint',
    list('location URIs'),
    'readPoint is one of, or a sub-location (GLN extension) of a GLN among',
  ],
  ['EQ_bizLocation', list('location URIs'), 'bizLocation is one of'],
  [
    'WD_bizLocation',
    list('location URIs'),
    'bizLocation is one of, or a sub-location (GLN extension) of a GLN among',
  ],
  ['EQ_transformationID', list('URIs'), 'transformationID is one of'],
  [
    'MATCH_epc',
    list('EPCs or patterns'),
    'epcList or childEPCs match',
    ['urn:epc:id:sgtin:0614141.107346.2017'],
  ],
  ['MATCH_parentID', list('EPCs or patterns'), 'parentID matches'],
  ['MATCH_inputEPC', list('EPCs or patterns'), 'inputEPCList matches'],
  ['MATCH_outputEPC', list('EPCs or patterns'), 'outputEPCList matches'],
  [
    'MATCH_anyEPC',
    list('EPCs or patterns'),
    'any EPC field matches',
    ['urn:epc:id:sgtin:0614141.107346.2017'],
  ],
  ['MATCH_epcClass', list('EPC classes or patterns'), 'quantityList or childQuantityList matches'],
  ['MATCH_inputEPCClass', list('EPC classes or patterns'), 'inputQuantityList matches'],
  ['MATCH_outputEPCClass', list('EPC classes or patterns'), 'outputQuantityList matches'],
  ['MATCH_anyEPCClass', list('EPC classes or patterns'), 'any quantity list matches'],
  ['EQ_eventID', list('eventIDs or GS1 event hashes'), 'eventID is one of'],
  ['EXISTS_errorDeclaration', flag, 'has an errorDeclaration (no value or true; false: no filter)'],
  [
    'GE_errorDeclaration_Time',
    time,
    'errorDeclaration.declarationTime at or after (also GE_errorDeclarationTime)',
  ],
  [
    'LT_errorDeclaration_Time',
    time,
    'errorDeclaration.declarationTime before (also LT_errorDeclarationTime)',
  ],
  ['EQ_errorReason', list('error reasons'), 'errorDeclaration.reason is one of'],
  ['EQ_correctiveEventID', list('eventIDs'), 'errorDeclaration.correctiveEventIDs has one of'],
  [
    'orderBy',
    { type: 'string' },
    'eventTime, recordTime or an extension field (prefix:name) to sort by; without it, ascending by recordTime when the query bounds recordTime and not eventTime, by eventTime otherwise',
  ],
  ['orderDirection', { type: 'string', enum: ['ASC', 'DESC'] }, 'with orderBy; DESC unless given'],
  [
    'eventCountLimit',
    count,
    'only the first N events in the orderBy order (needs orderBy; not with maxEventCount)',
  ],
  ['maxEventCount', count, 'QueryTooLargeException (413) when more events match'],
  ['EXISTS_sensorElementList', flag, 'has sensor data'],
  ['GE_time', time, 'a sensor report or its metadata has time at or after'],
  ['LT_time', time, 'a sensor report or its metadata has time before'],
  ['GE_startTime', time, 'sensor metadata startTime at or after'],
  ['LT_startTime', time, 'sensor metadata startTime before'],
  ['GE_endTime', time, 'sensor metadata endTime at or after'],
  ['LT_endTime', time, 'sensor metadata endTime before'],
  ['EQ_type', list('measurement types'), 'a sensor report type is one of'],
  ['EQ_deviceID', list('URIs'), 'a sensor report or metadata deviceID is one of'],
  ['EQ_dataProcessingMethod', list('URIs'), 'a sensor report or metadata dataProcessingMethod is one of'],
  ['EQ_microorganism', list('URIs'), 'a sensor report microorganism is one of'],
  ['EQ_chemicalSubstance', list('URIs'), 'a sensor report chemicalSubstance is one of'],
  ['EQ_bizRules', list('URIs'), 'a sensor report or metadata bizRules is one of'],
  ['EQ_stringValue', list('strings'), 'a sensor report stringValue is one of'],
  ['EQ_booleanValue', { type: 'boolean' }, 'a sensor report booleanValue is'],
  ['EQ_hexBinaryValue', list('hex strings'), 'a sensor report hexBinaryValue is one of'],
  ['EQ_uriValue', list('URIs'), 'a sensor report uriValue is one of'],
  ['GE_percRank', number, 'a sensor report percRank at or above'],
  ['LT_percRank', number, 'a sensor report percRank below'],
  ['GT_percRank', number, 'a sensor report percRank above'],
  ['LE_percRank', number, 'a sensor report percRank at or below'],
  [
    'perPage',
    { type: 'integer', minimum: 1, maximum: 1000 },
    'events per page (EPCIS REST binding), up to QUERY_MAX_PAGE_SIZE (1000 unless set lower)',
    50,
  ],
  ['nextPageToken', { type: 'string' }, 'the page token of the Link rel="next" of the previous page'],
];

/** The operation description: how values are written, the families, what the service does not hold. */
export const EVENT_QUERY_DESCRIPTION = [
  'EPCIS 2.0 SimpleEventQuery over the events you may see (those you captured or are a source/destination of;',
  'regulators and admins see all). Every parameter of GS1 EPCIS 2.0 query schema; list values are pipe-delimited or',
  'repeated. Parameter families (fieldname = prefix:localName; a prefix of the EPCIS context such as cbvmda or gs1',
  'means its namespace, any other prefix is matched as the captured event wrote it):',
  'EQ_bizTransaction_<type>, EQ_source_<type>, EQ_destination_<type>;',
  'EQ_|GT_|GE_|LT_|LE_ followed by <fieldname>, ILMD_<fieldname>, INNER_<fieldname>, INNER_ILMD_<fieldname>,',
  'ERROR_DECLARATION_<fieldname>, INNER_ERROR_DECLARATION_<fieldname>, SENSORELEMENT_<fieldname>,',
  'SENSORMETADATA_<fieldname>, SENSORREPORT_<fieldname> and their INNER_ forms (EQ_ takes a list of values; the',
  'others one number or date-time);',
  'EXISTS_ followed by <fieldname>, INNER_<fieldname>, ILMD_<fieldname>, INNER_ILMD_<fieldname>,',
  'ERROR_DECLARATION_<fieldname>, INNER_ERROR_DECLARATION_<fieldname>, SENSORELEMENT_<fieldname>,',
  'SENSORMETADATA_<fieldname>, SENSORREPORT_<fieldname>;',
  'EQ_readPoint_<fieldname>, EQ_INNER_readPoint_<fieldname>, EQ_bizLocation_<fieldname>, EQ_INNER_bizLocation_<fieldname>;',
  'EQ_value_<uom>, GT_|GE_|LT_|LE_ followed by value_<uom>, minValue_<uom>, maxValue_<uom>, meanValue_<uom>,',
  'sDev_<uom>, percValue_<uom> (sensor readings, converted between units of one dimension: temperature, mass,',
  'length, volume, pressure, time, speed; all sensor conditions hold for one sensor element, those on reports for one',
  'report); EQ_|GT_|GE_|LT_|LE_quantity_<uom> (quantity elements, converted likewise);',
  'HASATTR_<fieldname> and EQ_ATTR_<fieldname>_<attrname> (master data attributes: the service holds no master',
  'data, so they select no event). WD_readPoint/WD_bizLocation know the sub-locations of a GLN (its GLN',
  'extensions), no other hierarchy. Unknown parameters and bad values: 400 QueryParameterException.',
].join(' ');

/** Declares the fixed SimpleEventQuery parameters of an operation, but those it refuses. */
export const ApiEventQueryParameters = (except: readonly string[] = []) =>
  applyDecorators(
    ...FIXED.filter(([name]) => !except.includes(name)).map(([name, schema, description, example]) =>
      ApiQuery({ name, required: false, schema, description, ...(example === undefined ? {} : { example }) }),
    ),
  );
