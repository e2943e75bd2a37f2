import { createHash } from 'node:crypto';
import {
  canonicalIdentifier,
  cbvValueForms,
  dateTimeStampProblem,
  EPCIS_ACTIONS,
  EPCIS_EVENT_TYPES,
  inEveryComparableUnit,
  toBareCbvWord,
  type EpcisProblem,
} from '@pedigree/epcis';
import {
  equalityOperands,
  extensionFieldName,
  numberOf,
  orderedOperand,
  timeOf,
  type Comparison,
  type ExtensionFieldName,
  type ValueTest,
} from './query-values';

export type { Comparison, ExtensionFieldName, Operand, ValueTest } from './query-values';

export type IdentifierMatch = { roles: readonly string[]; values: string[] };

/** Where an extension field is looked up (EPCIS 2.0 §8.2.7.1: EQ_, EQ_ILMD_, EQ_ERROR_DECLARATION_, …). */
export type FieldScope =
  | 'event'
  | 'ilmd'
  | 'errorDeclaration'
  | 'readPoint'
  | 'bizLocation'
  | 'sensorElement'
  | 'sensorMetadata'
  | 'sensorReport';

/** A test of an extension field: at the top of its scope, or (`inner`) nested in one of the scope's extension fields. */
export interface FieldFilter {
  scope: FieldScope;
  inner: boolean;
  field: ExtensionFieldName;
  test: ValueTest;
}

/** A value in a unit of measure, expressed in every unit it compares with (UN/ECE Rec 20, libs/epcis units). */
export type Measure = Array<{ uom: string; value: number }>;

/** A test of a standard attribute of a sensor report (or of its element's sensorMetadata). */
export interface SensorAttributeFilter {
  attribute: string;
  /** Where the attribute may be: the report, the element's metadata, or either. */
  in: ReadonlyArray<'report' | 'metadata'>;
  test: ValueTest;
}

/** A numeric sensor reading (value, minValue, …) compared in a unit of measure. */
export interface SensorMeasureFilter {
  attribute: string;
  op: Comparison;
  /** EQ: any of these; the others: exactly one. */
  measures: Measure[];
}

/**
 * Conditions on sensor data. All of them hold for one sensorElement of the event, and those on reports for one
 * sensorReport of it: `EQ_type=Temperature&GE_value_CEL=8` selects events with a temperature reading of 8 °C or more.
 */
export interface SensorQuery {
  exists: boolean;
  attributes: SensorAttributeFilter[];
  measures: SensorMeasureFilter[];
  fields: FieldFilter[];
}

/** A quantity of a QuantityElement (any of the event's quantity lists), in a unit of measure or in any unit. */
export interface QuantityFilter {
  op: Comparison;
  values: Array<{ measure: Measure } | { any: number }>;
}

export interface LocationFilter {
  /** Canonical keys (EQ_): the location itself. */
  equal?: string[];
  /** Canonical keys (WD_): the location or one of its sub-locations. */
  withDescendants?: string[];
}

/** The sort key: a time column, or an extension field of the event. */
export type OrderKey = 'eventTime' | 'recordTime' | ExtensionFieldName;

/** How a page continues: the sort key values of the last event served, its hash, and how many were served. */
export interface PageCursor {
  keys: Array<string | null>;
  eventHash: string;
  served: number;
}

/** An EPCIS SimpleEventQuery, parsed and normalised; what the repository turns into SQL. */
export interface EventQuery {
  eventTypes?: string[];
  eventTime: { ge?: Date; lt?: Date };
  recordTime: { ge?: Date; lt?: Date };
  actions?: string[];
  bizSteps?: string[];
  dispositions?: string[];
  /** Every spelling of each disposition (the stored event keeps the one it was captured with). */
  persistentDisposition: { set?: string[]; unset?: string[] };
  readPoint: LocationFilter;
  bizLocation: LocationFilter;
  eventIds?: string[];
  transformationIds?: string[];
  identifierMatches: IdentifierMatch[];
  bizTransactions: Array<{ type: string; values: string[] }>;
  sources: Array<{ type: string; values: string[] }>;
  destinations: Array<{ type: string; values: string[] }>;
  quantities: QuantityFilter[];
  errorDeclaration: {
    exists: boolean;
    time: { ge?: Date; lt?: Date };
    reasons?: string[];
    correctiveEventIds?: string[];
  };
  fields: FieldFilter[];
  sensor: SensorQuery;
  /** HASATTR_/EQ_ATTR_ parameters: they need master data, which the service does not hold. */
  masterDataFilters: string[];
  order?: { key: OrderKey; direction: 'ASC' | 'DESC' };
  eventCountLimit?: number;
  maxEventCount?: number;
  perPage: number;
  after?: PageCursor;
  /** Identifies the filter (not the page), so that a page token is only accepted for the query it came from. */
  fingerprint: string;
}

export class QueryParameterError extends Error {
  constructor(readonly problems: EpcisProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/** More events match than the query's maxEventCount allows (EPCIS QueryTooLargeException). */
export class QueryTooLargeError extends Error {
  constructor(readonly maxEventCount: number) {
    super(`more than maxEventCount=${maxEventCount} events match the query`);
  }
}

const MATCH_ROLES: Record<string, readonly string[]> = {
  MATCH_epc: ['epc', 'child'],
  MATCH_parentID: ['parent'],
  MATCH_inputEPC: ['input'],
  MATCH_outputEPC: ['output'],
  MATCH_anyEPC: ['epc', 'child', 'parent', 'input', 'output'],
  MATCH_epcClass: ['quantity', 'childQuantity'],
  MATCH_inputEPCClass: ['inputQuantity'],
  MATCH_outputEPCClass: ['outputQuantity'],
  MATCH_anyEPCClass: ['quantity', 'childQuantity', 'inputQuantity', 'outputQuantity'],
};

const TYPED = /^(EQ_bizTransaction|EQ_source|EQ_destination)_(.+)$/;
const COMPARISON = /^(EQ|GT|GE|LT|LE|EXISTS)_(.+)$/;
const UOM = /^[A-Z0-9]{2,4}$/;
const EVENT_HASH = /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/;
/** Above this, a count limit is no limit: it keeps LIMIT arithmetic within PostgreSQL's bigint. */
const MAX_COUNT = 1_000_000_000;

/** Field families by the infix after the operator, longest first (EQ_INNER_ILMD_… before EQ_ILMD_… and EQ_…). */
const FIELD_FAMILIES: ReadonlyArray<{ infix: string; scope: FieldScope; inner: boolean }> = [
  { infix: 'INNER_ERROR_DECLARATION_', scope: 'errorDeclaration', inner: true },
  { infix: 'INNER_SENSORELEMENT_', scope: 'sensorElement', inner: true },
  { infix: 'INNER_SENSORMETADATA_', scope: 'sensorMetadata', inner: true },
  { infix: 'INNER_SENSORREPORT_', scope: 'sensorReport', inner: true },
  { infix: 'INNER_ILMD_', scope: 'ilmd', inner: true },
  { infix: 'INNER_readPoint_', scope: 'readPoint', inner: true },
  { infix: 'INNER_bizLocation_', scope: 'bizLocation', inner: true },
  { infix: 'INNER_', scope: 'event', inner: true },
  { infix: 'ERROR_DECLARATION_', scope: 'errorDeclaration', inner: false },
  { infix: 'SENSORELEMENT_', scope: 'sensorElement', inner: false },
  { infix: 'SENSORMETADATA_', scope: 'sensorMetadata', inner: false },
  { infix: 'SENSORREPORT_', scope: 'sensorReport', inner: false },
  { infix: 'ILMD_', scope: 'ilmd', inner: false },
  { infix: 'readPoint_', scope: 'readPoint', inner: false },
  { infix: 'bizLocation_', scope: 'bizLocation', inner: false },
  { infix: '', scope: 'event', inner: false },
];

/** The comparisons each field family has in GS1's query schema. */
function familyAllows(family: { infix: string; scope: FieldScope }, op: string): boolean {
  if (family.scope === 'readPoint' || family.scope === 'bizLocation') return op === 'EQ';
  if (op === 'EXISTS') return !family.infix.startsWith('INNER_SENSOR');
  return true;
}

/** Sensor report attributes with a number measured in `uom` (EQ_value_CEL, GE_minValue_KGM, …). */
const MEASURES = /^(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue)_(.+)$/;

/** Standard sensor attributes with fixed parameters: where each may be, and how its values are read. */
const SENSOR_EQUALITIES: Record<string, { in: ReadonlyArray<'report' | 'metadata'>; uri?: boolean }> = {
  EQ_type: { in: ['report'] },
  EQ_deviceID: { in: ['report', 'metadata'] },
  EQ_dataProcessingMethod: { in: ['report', 'metadata'] },
  EQ_microorganism: { in: ['report'] },
  EQ_chemicalSubstance: { in: ['report'] },
  EQ_bizRules: { in: ['report', 'metadata'] },
  EQ_stringValue: { in: ['report'] },
  EQ_hexBinaryValue: { in: ['report'] },
  EQ_uriValue: { in: ['report'] },
};
const SENSOR_TIMES: Record<
  string,
  { attribute: string; op: Comparison; in: ReadonlyArray<'report' | 'metadata'> }
> = {
  GE_time: { attribute: 'time', op: 'GE', in: ['report', 'metadata'] },
  LT_time: { attribute: 'time', op: 'LT', in: ['report', 'metadata'] },
  GE_startTime: { attribute: 'startTime', op: 'GE', in: ['metadata'] },
  LT_startTime: { attribute: 'startTime', op: 'LT', in: ['metadata'] },
  GE_endTime: { attribute: 'endTime', op: 'GE', in: ['metadata'] },
  LT_endTime: { attribute: 'endTime', op: 'LT', in: ['metadata'] },
};
const PERC_RANK = /^(GT|GE|LT|LE)_percRank$/;
const QUANTITY = /^(EQ|GT|GE|LT|LE)_quantity(?:_(.+))?$/;

/** The parameters that take no value (or `true`/`false`): EXISTS_… */
function isExistence(name: string): boolean {
  return name.startsWith('EXISTS_');
}

export function encodePageToken(token: PageCursor & { fingerprint: string }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/**
 * The order a page is served in: the query's orderBy, or without one (the standard assumes no order then) ascending by
 * the time the query bounds — record time when it bounds record time and not event time, so that a poll of what was
 * recorded since an instant walks the record time index — and by event time otherwise. A function of the query alone,
 * so that every page of it, and its page tokens, agree.
 */
export function pageOrder(query: EventQuery): { key: OrderKey; direction: 'ASC' | 'DESC' } {
  if (query.order) return query.order;
  const { eventTime, recordTime } = query;
  const byRecordTime =
    (recordTime.ge !== undefined || recordTime.lt !== undefined) &&
    eventTime.ge === undefined &&
    eventTime.lt === undefined;
  return { key: byRecordTime ? 'recordTime' : 'eventTime', direction: 'ASC' };
}

/** The column kinds of an order key, in the order the repository sorts by them (the hash follows). */
export function orderColumnKinds(key: OrderKey): Array<'time' | 'number' | 'text'> {
  return typeof key === 'string' ? ['time'] : ['number', 'time', 'text'];
}

function decodePageToken(
  text: string,
  kinds: Array<'time' | 'number' | 'text'>,
): (PageCursor & { fingerprint: string }) | undefined {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<
      PageCursor & { fingerprint: string }
    >;
    // A token is the client's to send back: one whose keys the page query could not use (a time that is no instant,
    // a hash that is no GS1 event hash) is not one we issued, whatever its fingerprint says.
    const keysFit =
      Array.isArray(token.keys) &&
      token.keys.length === kinds.length &&
      token.keys.every((key, i) => {
        if (key === null) return kinds[i] !== 'time' || kinds.length > 1;
        if (typeof key !== 'string') return false;
        if (kinds[i] === 'time') return dateTimeStampProblem(key, 'key') === undefined;
        if (kinds[i] === 'number') return numberOf(key) !== undefined;
        return true;
      });
    if (
      keysFit &&
      typeof token.eventHash === 'string' &&
      EVENT_HASH.test(token.eventHash) &&
      Number.isInteger(token.served) &&
      token.served! >= 0 &&
      typeof token.fingerprint === 'string'
    ) {
      return token as PageCursor & { fingerprint: string };
    }
  } catch {
    // Not a token we issued.
  }
  return undefined;
}

/** Collects problems while the parameters are read. */
class Reader {
  readonly problems: EpcisProblem[] = [];

  bad(name: string, message: string): void {
    this.problems.push({ pointer: `/query/${name}`, message: `${name}: ${message}` });
  }

  time(name: string, value: string | undefined): Date | undefined {
    if (value === undefined) return undefined;
    const time = timeOf(value);
    if (time === undefined) {
      this.bad(name, `"${value}" is not a date-time with a time zone (e.g. 2026-01-31T12:00:00Z)`);
      return undefined;
    }
    return new Date(time);
  }

  number(name: string, value: string): number | undefined {
    const number = numberOf(value);
    if (number === undefined) this.bad(name, `"${value}" is not a number`);
    return number;
  }

  count(name: string, value: string): number | undefined {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > MAX_COUNT) {
      this.bad(name, `must be a whole number from 1 to ${MAX_COUNT}`);
      return undefined;
    }
    return n;
  }

  /** EXISTS_…: no value, `true` or `false` (false: no filter). */
  existence(name: string, values: string[]): boolean {
    const value = values.length === 0 ? 'true' : values[0]!;
    if (values.length > 1 || !['true', 'false', '1', '0'].includes(value)) {
      this.bad(name, 'takes no value, or true or false');
      return false;
    }
    return value === 'true' || value === '1';
  }

  /** EQ_ takes a list; GT_/GE_/LT_/LE_ exactly one number or date-time. */
  test(name: string, op: 'EXISTS' | Comparison, values: string[]): ValueTest | undefined {
    if (op === 'EXISTS') return this.existence(name, values) ? { op } : undefined;
    if (op === 'EQ') return { op, operands: equalityOperands(values) };
    const operand = values.length === 1 ? orderedOperand(values[0]!) : undefined;
    if (!operand) {
      this.bad(name, 'takes one number or date-time with a time zone');
      return undefined;
    }
    return { op, operands: [operand] };
  }

  measure(name: string, uom: string, value: string, kind: 'value' | 'difference'): Measure | undefined {
    if (!UOM.test(uom)) {
      this.bad(name, `"${uom}" is not a UN/ECE Recommendation 20 unit code`);
      return undefined;
    }
    const number = this.number(name, value);
    return number === undefined ? undefined : inEveryComparableUnit(number, uom, kind);
  }
}

/**
 * Parses the query parameters of `GET /events` (EPCIS 2.0 REST binding, SimpleEventQuery): every parameter and
 * parameter family of GS1's EPCIS 2.0 query schema. Multi-valued parameters are pipe-delimited
 * (`eventType=ObjectEvent|AggregationEvent`) or repeated. Unknown parameters and bad values are QueryParameterException
 * problems.
 */
export function parseEventQuery(
  params: URLSearchParams,
  limits: { defaultPerPage: number; maxPerPage: number },
): EventQuery {
  const read = new Reader();
  const values = (name: string) =>
    params
      .getAll(name)
      .flatMap((v) => v.split('|'))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  const single = (name: string) => values(name)[0];

  const query: EventQuery = {
    eventTime: {
      ge: read.time('GE_eventTime', single('GE_eventTime')),
      lt: read.time('LT_eventTime', single('LT_eventTime')),
    },
    recordTime: {
      ge: read.time('GE_recordTime', single('GE_recordTime')),
      lt: read.time('LT_recordTime', single('LT_recordTime')),
    },
    persistentDisposition: {},
    readPoint: {},
    bizLocation: {},
    identifierMatches: [],
    bizTransactions: [],
    sources: [],
    destinations: [],
    quantities: [],
    errorDeclaration: { exists: false, time: {} },
    fields: [],
    sensor: { exists: false, attributes: [], measures: [], fields: [] },
    masterDataFilters: [],
    perPage: limits.defaultPerPage,
    fingerprint: '',
  };
  const filterParts: string[] = [];
  let orderBy: string | undefined;
  let orderDirection: 'ASC' | 'DESC' = 'DESC';

  for (const name of new Set(params.keys())) {
    const list = values(name);
    if (name !== 'nextPageToken' && name !== 'perPage') filterParts.push(`${name}=${list.join('|')}`);
    if (list.length === 0 && name !== 'nextPageToken' && !isExistence(name)) {
      read.bad(name, 'needs a value');
      continue;
    }
    if (!readParameter(name, list)) read.bad(name, 'unknown parameter');
  }

  /** Reads one parameter into the query; false when no parameter or family of the schema has that name. */
  function readParameter(name: string, list: string[]): boolean {
    switch (name) {
      case 'GE_eventTime':
      case 'LT_eventTime':
      case 'GE_recordTime':
      case 'LT_recordTime':
      case 'nextPageToken':
        return true;
      case 'eventType':
        query.eventTypes = list;
        for (const type of list)
          if (!(EPCIS_EVENT_TYPES as readonly string[]).includes(type))
            read.bad(name, `"${type}" is not an EPCIS event type`);
        return true;
      case 'EQ_action':
        query.actions = list;
        for (const action of list)
          if (!(EPCIS_ACTIONS as readonly string[]).includes(action))
            read.bad(name, `"${action}" is not ${EPCIS_ACTIONS.join(', ')}`);
        return true;
      case 'EQ_bizStep':
        query.bizSteps = list.map((v) => toBareCbvWord('bizStep', v));
        return true;
      case 'EQ_disposition':
        query.dispositions = list.map((v) => toBareCbvWord('disposition', v));
        return true;
      case 'EQ_persistentDisposition_set':
        query.persistentDisposition.set = list.flatMap((v) => cbvValueForms('disposition', v));
        return true;
      case 'EQ_persistentDisposition_unset':
        query.persistentDisposition.unset = list.flatMap((v) => cbvValueForms('disposition', v));
        return true;
      case 'EQ_readPoint':
        query.readPoint.equal = list.map(canonicalIdentifier);
        return true;
      case 'WD_readPoint':
        query.readPoint.withDescendants = list.map(canonicalIdentifier);
        return true;
      case 'EQ_bizLocation':
        query.bizLocation.equal = list.map(canonicalIdentifier);
        return true;
      case 'WD_bizLocation':
        query.bizLocation.withDescendants = list.map(canonicalIdentifier);
        return true;
      case 'EQ_eventID':
        query.eventIds = list;
        return true;
      case 'EQ_transformationID':
        query.transformationIds = list;
        return true;
      case 'EXISTS_errorDeclaration':
        query.errorDeclaration.exists = read.existence(name, list);
        return true;
      case 'GE_errorDeclaration_Time':
      case 'GE_errorDeclarationTime':
        query.errorDeclaration.time.ge = read.time(name, list[0]);
        return true;
      case 'LT_errorDeclaration_Time':
      case 'LT_errorDeclarationTime':
        query.errorDeclaration.time.lt = read.time(name, list[0]);
        return true;
      case 'EQ_errorReason':
        query.errorDeclaration.reasons = list.flatMap((v) => cbvValueForms('errorReason', v));
        return true;
      case 'EQ_correctiveEventID':
        query.errorDeclaration.correctiveEventIds = list;
        return true;
      case 'EXISTS_sensorElementList':
        query.sensor.exists = read.existence(name, list);
        return true;
      case 'EQ_booleanValue':
        if (list.length !== 1 || !['true', 'false'].includes(list[0]!))
          read.bad(name, 'must be true or false');
        else
          query.sensor.attributes.push({
            attribute: 'booleanValue',
            in: ['report'],
            test: { op: 'EQ', operands: [{ type: 'boolean', value: list[0] === 'true' }] },
          });
        return true;
      case 'orderBy':
        orderBy = list[0];
        return true;
      case 'orderDirection':
        if (list[0] === 'ASC' || list[0] === 'DESC') orderDirection = list[0];
        else read.bad(name, 'must be ASC or DESC');
        return true;
      case 'eventCountLimit':
        query.eventCountLimit = read.count(name, list[0]!);
        return true;
      case 'maxEventCount':
        query.maxEventCount = read.count(name, list[0]!);
        return true;
      case 'perPage': {
        const n = Number(list[0]);
        if (!Number.isInteger(n) || n < 1 || n > limits.maxPerPage)
          read.bad(name, `must be a whole number from 1 to ${limits.maxPerPage}`);
        else query.perPage = n;
        return true;
      }
    }
    if (MATCH_ROLES[name]) {
      query.identifierMatches.push({ roles: MATCH_ROLES[name]!, values: list.map(canonicalIdentifier) });
      return true;
    }
    const typed = TYPED.exec(name);
    if (typed) {
      const kind = typed[1] === 'EQ_bizTransaction' ? 'bizTransactionType' : 'sourceDestType';
      const entry = { type: toBareCbvWord(kind, typed[2]!), values: list };
      if (typed[1] === 'EQ_bizTransaction') query.bizTransactions.push(entry);
      else if (typed[1] === 'EQ_source') query.sources.push(entry);
      else query.destinations.push(entry);
      return true;
    }
    return (
      readSensorParameter(name, list) ||
      readQuantity(name, list) ||
      readMasterDataParameter(name) ||
      readFieldParameter(name, list)
    );
  }

  function readSensorParameter(name: string, list: string[]): boolean {
    const equality = SENSOR_EQUALITIES[name];
    if (equality) {
      const attribute = name.slice('EQ_'.length);
      const spellings =
        attribute === 'type'
          ? list.flatMap((v) => cbvValueForms('measurementType', v))
          : attribute === 'hexBinaryValue'
            ? list.flatMap((v) => [v.toUpperCase(), v.toLowerCase()])
            : list;
      query.sensor.attributes.push({
        attribute,
        in: equality.in,
        test: { op: 'EQ', operands: spellings.map((value) => ({ type: 'string', value })) },
      });
      return true;
    }
    const time = SENSOR_TIMES[name];
    if (time) {
      const at = read.time(name, list[0]);
      if (at)
        query.sensor.attributes.push({
          attribute: time.attribute,
          in: time.in,
          test: { op: time.op, operands: [{ type: 'time', value: at.toISOString() }] },
        });
      return true;
    }
    const percRank = PERC_RANK.exec(name);
    if (percRank) {
      const rank = list.length === 1 ? read.number(name, list[0]!) : undefined;
      if (list.length !== 1) read.bad(name, 'takes one number');
      if (rank !== undefined)
        query.sensor.attributes.push({
          attribute: 'percRank',
          in: ['report'],
          test: { op: percRank[1] as Comparison, operands: [{ type: 'number', value: rank }] },
        });
      return true;
    }
    const measure = MEASURES.exec(name);
    if (!measure) return false;
    const [, op, attribute, uom] = measure as unknown as [string, Comparison, string, string];
    if (op === 'EQ' && attribute !== 'value') return false;
    if (op !== 'EQ' && list.length !== 1) {
      read.bad(name, 'takes one number');
      return true;
    }
    const kind = attribute === 'sDev' ? 'difference' : 'value';
    const measures = list.map((v) => read.measure(name, uom, v, kind));
    if (measures.every((m) => m !== undefined))
      query.sensor.measures.push({ attribute, op, measures: measures as Measure[] });
    return true;
  }

  function readQuantity(name: string, list: string[]): boolean {
    const quantity = QUANTITY.exec(name);
    if (!quantity) return false;
    const op = quantity[1] as Comparison;
    const uom = quantity[2];
    if (op !== 'EQ' && list.length !== 1) {
      read.bad(name, 'takes one number');
      return true;
    }
    const values = list.map((v) => {
      if (uom === undefined) {
        const any = read.number(name, v);
        return any === undefined ? undefined : { any };
      }
      const measure = read.measure(name, uom, v, 'value');
      return measure === undefined ? undefined : { measure };
    });
    if (values.every((v) => v !== undefined))
      query.quantities.push({ op, values: values as QuantityFilter['values'] });
    return true;
  }

  function readMasterDataParameter(name: string): boolean {
    if (/^HASATTR_\w+(:\w+)?$/.test(name) || /^EQ_ATTR_\w+_\w+$/.test(name)) {
      query.masterDataFilters.push(name);
      return true;
    }
    return false;
  }

  function readFieldParameter(name: string, list: string[]): boolean {
    const comparison = COMPARISON.exec(name);
    if (!comparison) return false;
    const op = comparison[1] as 'EXISTS' | Comparison;
    const rest = comparison[2]!;
    for (const family of FIELD_FAMILIES) {
      if (!rest.startsWith(family.infix)) continue;
      const field = extensionFieldName(rest.slice(family.infix.length));
      if (!field || !familyAllows(family, op)) continue;
      const test = read.test(name, op, list);
      if (test) {
        const filter: FieldFilter = { scope: family.scope, inner: family.inner, field, test };
        if (family.scope.startsWith('sensor')) query.sensor.fields.push(filter);
        else query.fields.push(filter);
      }
      return true;
    }
    return false;
  }

  if (orderBy !== undefined) {
    const key: OrderKey | undefined =
      orderBy === 'eventTime' || orderBy === 'recordTime' ? orderBy : extensionFieldName(orderBy);
    if (key) query.order = { key, direction: orderDirection };
    else read.bad('orderBy', `"${orderBy}" is not eventTime, recordTime or an extension field (prefix:name)`);
  }
  if (query.eventCountLimit !== undefined && query.maxEventCount !== undefined)
    read.bad('eventCountLimit', 'may not be combined with maxEventCount');
  else if (query.eventCountLimit !== undefined && orderBy === undefined)
    read.bad('eventCountLimit', 'needs orderBy');

  query.fingerprint = createHash('sha256')
    .update(filterParts.sort().join('&'))
    .digest('base64url')
    .slice(0, 16);
  const tokenText = params.get('nextPageToken');
  if (tokenText !== null) {
    const token = decodePageToken(tokenText, orderColumnKinds(pageOrder(query).key));
    if (!token || token.fingerprint !== query.fingerprint)
      read.bad('nextPageToken', 'not a page token of this query');
    else query.after = { keys: token.keys, eventHash: token.eventHash, served: token.served };
  }
  if (read.problems.length > 0) throw new QueryParameterError(read.problems);
  return query;
}
