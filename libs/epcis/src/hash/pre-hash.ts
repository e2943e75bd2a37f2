import { EpcisException } from '../errors';
import { CanonicalValues, ValueRule } from './canonical-value';
import { Location } from '../location';
import { EPCIS_CONTEXT_NAMESPACES, JsonLdNamespaces } from './namespaces';
import { VOCABULARY_NAMESPACE as VOCAB } from './vocabulary';

/**
 * The canonical pre-hash string of the CBV 2.0 "EPCIS Event Hash ID".
 *
 * Data elements are concatenated without separators, `key=value` for values and the bare key for
 * parents. Fields come in the canonical property order: eventType, eventTime, eventTimeZoneOffset,
 * certificationInfo, epcList, parentID, inputEPCList, childEPCs, quantityList, childQuantityList,
 * inputQuantityList, outputEPCList, outputQuantityList, action, transformationID, bizStep,
 * disposition, persistentDisposition, readPoint, bizLocation, sensorElementList. The remaining
 * fields — bizTransactionList, sourceList, destinationList, ilmd and the user extension fields —
 * follow as one group in lexical order of their pre-hash substrings. (The order of that last group is
 * the one the published GS1 reference vectors exhibit, e.g. destinationList before sourceList.)
 * Repeated children of a list are ordered lexically by their own substrings; a child with a type
 * attribute writes `type=…` first. recordTime, eventID, errorDeclaration and rdfs:comment are not part
 * of the hash.
 */

type JsonObject = Record<string, unknown>;
type FieldWriter = (out: PreHashWriter, name: string, value: unknown, location: Location) => string;

const XML_TEXT = '#text';
const RDFS_COMMENT = '{http://www.w3.org/2000/01/rdf-schema#}comment';
const EXCLUDED_EVENT_FIELDS = new Set(['type', 'eventID', 'id', 'recordTime', 'errorDeclaration']);

const SENSOR_METADATA_FIELDS: ReadonlyArray<readonly [string, ValueRule]> = [
  ['time', { timestamp: true }],
  ['startTime', { timestamp: true }],
  ['endTime', { timestamp: true }],
  ['deviceID', {}],
  ['deviceMetadata', {}],
  ['rawData', {}],
  ['dataProcessingMethod', {}],
  ['bizRules', {}],
];

const SENSOR_REPORT_FIELDS: ReadonlyArray<readonly [string, ValueRule]> = [
  ['type', { vocabulary: VOCAB.measurementType }],
  ['exception', { vocabulary: VOCAB.sensorAlertType }],
  ['deviceID', {}],
  ['deviceMetadata', {}],
  ['rawData', {}],
  ['dataProcessingMethod', {}],
  ['time', { timestamp: true }],
  ['microorganism', {}],
  ['chemicalSubstance', {}],
  ['value', {}],
  ['component', { vocabulary: VOCAB.component }],
  ['stringValue', {}],
  ['booleanValue', {}],
  ['hexBinaryValue', {}],
  ['uriValue', {}],
  ['minValue', {}],
  ['maxValue', {}],
  ['meanValue', {}],
  ['sDev', {}],
  ['percRank', {}],
  ['percValue', {}],
  ['uom', {}],
  ['coordinateReferenceSystem', {}],
];

const QUANTITY_ELEMENT_FIELDS: ReadonlyArray<readonly [string, ValueRule]> = [
  ['epcClass', {}],
  ['quantity', {}],
  ['uom', {}],
];

/** The standard fields of a structure, in order and with their value rules, and the place of each name. */
interface StructureFields {
  fields: ReadonlyArray<readonly [string, ValueRule]>;
  places: ReadonlyMap<string, number>;
}

function structureFields(fields: ReadonlyArray<readonly [string, ValueRule]>): StructureFields {
  return { fields, places: new Map(fields.map(([name], place) => [name, place])) };
}

const SENSOR_METADATA = structureFields(SENSOR_METADATA_FIELDS);
const SENSOR_REPORT = structureFields(SENSOR_REPORT_FIELDS);
const QUANTITY_ELEMENT = structureFields(QUANTITY_ELEMENT_FIELDS);
const LOCATION = structureFields([['id', {}]]);
const ERROR_DECLARATION = structureFields([
  ['declarationTime', { timestamp: true }],
  ['reason', { vocabulary: VOCAB.errorReason }],
  ['correctiveEventIDs', {}],
]);
const PERSISTENT_DISPOSITION_FIELDS: ReadonlySet<string> = new Set(['set', 'unset']);
const SENSOR_ELEMENT_FIELDS: ReadonlySet<string> = new Set(['sensorMetadata', 'sensorReport']);
const XML_TEXT_FIELD: ReadonlySet<string> = new Set([XML_TEXT]);
const NO_FIELDS: ReadonlySet<string> = new Set();

const value =
  (rule: ValueRule = {}): FieldWriter =>
  (out, name, raw, location) =>
    out.values(name, raw, location, rule);
const epcs: FieldWriter = (out, name, list, location) => out.epcList(name, list, location);
const quantities: FieldWriter = (out, name, list, location) => out.quantityList(name, list, location);

/** The canonical property order and how each of those fields is written. */
const ORDERED_EVENT_FIELDS: ReadonlyArray<readonly [string, FieldWriter]> = [
  ['eventTime', value({ timestamp: true })],
  ['eventTimeZoneOffset', value()],
  ['certificationInfo', value()],
  ['epcList', epcs],
  ['parentID', value()],
  ['inputEPCList', epcs],
  ['childEPCs', epcs],
  ['quantityList', quantities],
  ['childQuantityList', quantities],
  ['inputQuantityList', quantities],
  ['outputEPCList', epcs],
  ['outputQuantityList', quantities],
  ['action', value()],
  ['transformationID', value()],
  ['bizStep', value({ vocabulary: VOCAB.bizStep })],
  ['disposition', value({ vocabulary: VOCAB.disposition })],
  ['persistentDisposition', (out, name, raw, location) => out.persistentDisposition(name, raw, location)],
  ['readPoint', (out, name, raw, location) => out.location(name, raw, location)],
  ['bizLocation', (out, name, raw, location) => out.location(name, raw, location)],
  ['sensorElementList', (out, name, raw, location) => out.sensorElementList(name, raw, location)],
];
const ORDERED_EVENT_FIELD_NAMES = new Set(ORDERED_EVENT_FIELDS.map(([name]) => name));

/** A typed list: the field name of its elements, the rule of their `type` and their standard fields. */
interface TypedList {
  element: string;
  typeRule: ValueRule;
  fields: ReadonlySet<string>;
}

function typedList(element: string, typeVocabulary: ValueRule['vocabulary']): TypedList {
  return { element, typeRule: { vocabulary: typeVocabulary }, fields: new Set(['type', element]) };
}

const TYPED_LISTS: ReadonlyMap<string, TypedList> = new Map([
  ['bizTransactionList', typedList('bizTransaction', VOCAB.bizTransactionType)],
  ['sourceList', typedList('source', VOCAB.sourceDestinationType)],
  ['destinationList', typedList('destination', VOCAB.sourceDestinationType)],
]);

/** The pre-hash string of one EPCIS 2.0 JSON-LD event (see the module comment for the rules). */
export function buildPreHashString(event: unknown, namespaces: JsonLdNamespaces = {}, pointer = ''): string {
  const writer = new PreHashWriter(new CanonicalValues({ ...EPCIS_CONTEXT_NAMESPACES, ...namespaces }));
  return writer.event(event, Location.of(pointer));
}

/**
 * The pre-hash substring of an event's errorDeclaration, which the event hash leaves out: `errorDeclaration`, then
 * declarationTime, reason and correctiveEventIDs written by the rules of the event's own fields (UTC time with
 * milliseconds, a reason as its CBV URI, the IDs sorted), then any extension fields, sorted.
 */
export function buildErrorDeclarationPreHashString(
  declaration: unknown,
  namespaces: JsonLdNamespaces = {},
  pointer = '',
): string {
  const writer = new PreHashWriter(new CanonicalValues({ ...EPCIS_CONTEXT_NAMESPACES, ...namespaces }));
  return writer.errorDeclaration(declaration, Location.of(pointer));
}

const FIRST_SURROGATE = 0xd800;

/** UTF-8 byte order, i.e. case-sensitive order of Unicode code points. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Below the surrogates, UTF-16 code units order like code points (and like their UTF-8 bytes).
    if (x < FIRST_SURROGATE && y < FIRST_SURROGATE) return x - y;
    return compareUtf8Bytes(a, b);
  }
  const shorter = a.length < b.length ? a : b;
  if (length > 0 && shorter.charCodeAt(length - 1) >= FIRST_SURROGATE) return compareUtf8Bytes(a, b);
  return a.length - b.length;
}

function compareUtf8Bytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const SURROGATE = /[\ud800-\udfff]/;

/** Sorts `parts` (a list built for this purpose, sorted in place) and concatenates them. */
function sorted(parts: string[]): string {
  if (parts.length > 1) {
    // Without surrogates, the default (UTF-16 code unit) order is the code point order.
    if (parts.some((part) => SURROGATE.test(part))) parts.sort(compareCodePoints);
    else parts.sort();
  }
  return parts.join('');
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class PreHashWriter {
  constructor(private readonly canonical: CanonicalValues) {}

  event(event: unknown, at: Location): string {
    const fields = this.object(event, at, 'an EPCIS event');
    const eventType = fields['type'];
    if (typeof eventType !== 'string' || eventType.trim() === '') {
      throw new EpcisException('ValidationException', [
        { pointer: at.at('type').pointer(), message: 'an EPCIS event needs its event type' },
      ]);
    }

    let ordered = '';
    for (const [name, write] of ORDERED_EVENT_FIELDS) {
      if (fields[name] !== undefined) ordered += write(this, name, fields[name], at.at(name));
    }
    const remaining: string[] = [];
    for (const key of Object.keys(fields)) {
      const raw = fields[key];
      // A member whose value is `undefined` (not JSON) counts as absent.
      if (raw === undefined || ORDERED_EVENT_FIELD_NAMES.has(key) || this.isExcludedEventField(key)) continue;
      remaining.push(...this.remainingEventField(key, raw, at.at(key)));
    }

    return `eventType=${eventType.trim()}${ordered}${sorted(remaining)}`;
  }

  /** `name=value` for a value, the sorted `name=value` entries of an array of values, '' for nothing to hash. */
  values(name: string, raw: unknown, at: Location, rule: ValueRule = {}): string {
    if (!Array.isArray(raw)) {
      const text = this.singleValue(name, raw, at, rule);
      return text === undefined ? '' : `${name}=${text}`;
    }
    const texts: string[] = [];
    raw.forEach((item: unknown, i) => {
      const text = this.singleValue(name, item, at.at(i), rule);
      if (text !== undefined) texts.push(`${name}=${text}`);
    });
    return sorted(texts);
  }

  private singleValue(name: string, raw: unknown, at: Location, rule: ValueRule): string | undefined {
    if (raw !== null && typeof raw === 'object') {
      throw new EpcisException('ValidationException', [
        { pointer: at.pointer(), message: `${name} must be a single value` },
      ]);
    }
    return this.canonical.text(raw, at, rule);
  }

  epcList(name: string, list: unknown, at: Location): string {
    const entries: string[] = [];
    this.array(list, at).forEach((epc, i) => {
      // An array in the list is one entry, even when it has nothing to hash.
      const entry = this.values('epc', epc, at.at(i));
      if (entry !== '' || Array.isArray(epc)) entries.push(entry);
    });
    return entries.length === 0 ? '' : name + sorted(entries);
  }

  quantityList(name: string, list: unknown, at: Location): string {
    const elements: string[] = [];
    this.array(list, at).forEach((element, i) => {
      const text = this.structure('quantityElement', element, at.at(i), QUANTITY_ELEMENT);
      if (text !== '') elements.push(text);
    });
    return elements.length === 0 ? '' : name + sorted(elements);
  }

  persistentDisposition(name: string, raw: unknown, at: Location): string {
    const fields = this.object(raw, at, 'persistentDisposition');
    const rule = { vocabulary: VOCAB.disposition };
    let content = '';
    for (const key of PERSISTENT_DISPOSITION_FIELDS) {
      if (fields[key] !== undefined) content += this.values(key, fields[key], at.at(key), rule);
    }
    const extensions = this.extensionFields(fields, PERSISTENT_DISPOSITION_FIELDS, at);
    return content + extensions === '' ? '' : name + content + extensions;
  }

  location(name: string, raw: unknown, at: Location): string {
    return this.structure(name, raw, at, LOCATION);
  }

  errorDeclaration(raw: unknown, at: Location): string {
    return this.structure('errorDeclaration', raw, at, ERROR_DECLARATION) || 'errorDeclaration';
  }

  sensorElementList(name: string, list: unknown, at: Location): string {
    const elements: string[] = [];
    this.array(list, at).forEach((element, i) => {
      const text = this.sensorElement(element, at.at(i));
      if (text !== '') elements.push(text);
    });
    return elements.length === 0 ? '' : name + sorted(elements);
  }

  private sensorElement(raw: unknown, at: Location): string {
    const fields = this.object(raw, at, 'a sensorElement');
    const metadata =
      fields['sensorMetadata'] !== undefined
        ? this.structure('sensorMetadata', fields['sensorMetadata'], at.at('sensorMetadata'), SENSOR_METADATA)
        : '';
    const reportsAt = at.at('sensorReport');
    const reports = fields['sensorReport'] !== undefined ? this.array(fields['sensorReport'], reportsAt) : [];
    const reportTexts = reports.map((report, i) =>
      this.structure('sensorReport', report, reportsAt.at(i), SENSOR_REPORT),
    );
    const content = metadata + sorted(reportTexts) + this.extensionFields(fields, SENSOR_ELEMENT_FIELDS, at);
    return content === '' ? '' : `sensorElement${content}`;
  }

  /** A standard structure: its fields in the given order, then any further (extension) fields sorted. */
  private structure(name: string, raw: unknown, at: Location, standard: StructureFields): string {
    const fields = this.object(raw, at, name);
    // A structure holds few of its many possible fields: find those present, then write them in order.
    const present: number[] = [];
    let hasExtensions = false;
    for (const key of Object.keys(fields)) {
      if (fields[key] === undefined) continue;
      const place = standard.places.get(key);
      if (place !== undefined) present.push(place);
      else hasExtensions = true;
    }
    if (present.length > 1) present.sort((a, b) => a - b);
    let content = '';
    for (const place of present) {
      const [key, rule] = standard.fields[place];
      content += this.values(key, fields[key], at.at(key), rule);
    }
    const extensions = hasExtensions ? this.extensionFields(fields, standard.places, at) : '';
    return content + extensions === '' ? '' : name + content + extensions;
  }

  private remainingEventField(key: string, raw: unknown, at: Location): string[] {
    const typed = TYPED_LISTS.get(key);
    if (typed) return this.typedList(key, raw, at, typed);
    if (key === 'ilmd') {
      const fields = this.object(raw, at, 'ilmd');
      const content = this.extensionFields(fields, NO_FIELDS, at);
      return content === '' ? [] : [`ilmd${content}`];
    }
    return this.generic(key, raw, at);
  }

  private typedList(name: string, list: unknown, at: Location, typed: TypedList): string[] {
    const entries: string[] = [];
    this.array(list, at).forEach((raw, i) => {
      const entryAt = at.at(i);
      const fields = this.object(raw, entryAt, typed.element);
      const entry =
        this.values('type', fields['type'], entryAt.at('type'), typed.typeRule) +
        this.values(typed.element, fields[typed.element], entryAt.at(typed.element)) +
        this.extensionFields(fields, typed.fields, entryAt);
      if (entry !== '') entries.push(entry);
    });
    const content = sorted(entries);
    return content === '' ? [] : [name + content];
  }

  /** The fields of `fields` other than `known`, each written generically, in lexical order. */
  private extensionFields(fields: JsonObject, known: { has(key: string): boolean }, at: Location): string {
    const entries: string[] = [];
    for (const key of Object.keys(fields)) {
      const raw = fields[key];
      if (raw === undefined || known.has(key) || this.isAnnotation(key)) continue;
      entries.push(...this.generic(key, raw, at.at(key)));
    }
    return sorted(entries);
  }

  /**
   * A field outside the standard structure (user extension, ILMD): `{namespace}name=value` for a
   * value, `{namespace}name` followed by its sorted children for an object, one entry per array item.
   */
  private generic(key: string, raw: unknown, at: Location): string[] {
    if (Array.isArray(raw)) {
      const entries: string[] = [];
      raw.forEach((item: unknown, i) => entries.push(...this.generic(key, item, at.at(i))));
      return entries;
    }
    const name = this.canonical.fieldName(key);
    // An XML element with attributes or children and text too carries its text under `#text`.
    if (!isObject(raw)) {
      const text = this.canonical.text(raw, at);
      return [text === undefined ? name : `${name}=${text}`];
    }
    const text = this.canonical.text(raw[XML_TEXT], at.at(XML_TEXT));
    return [(text === undefined ? name : `${name}=${text}`) + this.extensionFields(raw, XML_TEXT_FIELD, at)];
  }

  private isExcludedEventField(key: string): boolean {
    return EXCLUDED_EVENT_FIELDS.has(key) || this.isAnnotation(key);
  }

  /** JSON-LD keywords and comments (`rdfs:comment`) annotate a document; they are not event data. */
  private isAnnotation(key: string): boolean {
    return key.startsWith('@') || key === 'comment' || this.canonical.fieldName(key) === RDFS_COMMENT;
  }

  private object(raw: unknown, at: Location, what: string): JsonObject {
    if (isObject(raw)) return raw;
    throw new EpcisException('ValidationException', [
      { pointer: at.pointer(), message: `${what} must be a JSON object` },
    ]);
  }

  private array(raw: unknown, at: Location): unknown[] {
    if (Array.isArray(raw)) return raw;
    throw new EpcisException('ValidationException', [
      { pointer: at.pointer(), message: 'must be a JSON array' },
    ]);
  }
}
