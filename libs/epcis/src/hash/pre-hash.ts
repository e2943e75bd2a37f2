import { EpcisException, jsonPointer } from '../errors';
import { CanonicalValues, ValueRule } from './canonical-value';
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
type FieldWriter = (out: PreHashWriter, name: string, value: unknown, pointer: string) => string;

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

const value =
  (rule: ValueRule = {}): FieldWriter =>
  (out, name, raw, pointer) =>
    out.values(name, raw, pointer, rule).join('');
const epcs: FieldWriter = (out, name, list, pointer) => out.epcList(name, list, pointer);
const quantities: FieldWriter = (out, name, list, pointer) => out.quantityList(name, list, pointer);

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
  ['persistentDisposition', (out, name, raw, pointer) => out.persistentDisposition(name, raw, pointer)],
  ['readPoint', (out, name, raw, pointer) => out.location(name, raw, pointer)],
  ['bizLocation', (out, name, raw, pointer) => out.location(name, raw, pointer)],
  ['sensorElementList', (out, name, raw, pointer) => out.sensorElementList(name, raw, pointer)],
];
const ORDERED_EVENT_FIELD_NAMES = new Set(ORDERED_EVENT_FIELDS.map(([name]) => name));

/** Typed lists: element field name and the vocabulary of its `type`. */
const TYPED_LISTS: Readonly<Record<string, { element: string; typeVocabulary: ValueRule['vocabulary'] }>> = {
  bizTransactionList: { element: 'bizTransaction', typeVocabulary: VOCAB.bizTransactionType },
  sourceList: { element: 'source', typeVocabulary: VOCAB.sourceDestinationType },
  destinationList: { element: 'destination', typeVocabulary: VOCAB.sourceDestinationType },
};

/** The pre-hash string of one EPCIS 2.0 JSON-LD event (see the module comment for the rules). */
export function buildPreHashString(event: unknown, namespaces: JsonLdNamespaces = {}, pointer = ''): string {
  const writer = new PreHashWriter(new CanonicalValues({ ...EPCIS_CONTEXT_NAMESPACES, ...namespaces }));
  return writer.event(event, pointer);
}

/** UTF-8 byte order, i.e. case-sensitive order of Unicode code points. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sorted(parts: readonly string[]): string {
  return [...parts].sort(compareCodePoints).join('');
}

/** The members of a JSON object; a member whose value is `undefined` (not JSON) counts as absent. */
function definedEntries(fields: JsonObject): [string, unknown][] {
  return Object.entries(fields).filter(([, raw]) => raw !== undefined);
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class PreHashWriter {
  constructor(private readonly canonical: CanonicalValues) {}

  event(event: unknown, pointer: string): string {
    const fields = this.object(event, pointer, 'an EPCIS event');
    const eventType = fields['type'];
    if (typeof eventType !== 'string' || eventType.trim() === '') {
      throw new EpcisException('ValidationException', [
        { pointer: jsonPointer(pointer, 'type'), message: 'an EPCIS event needs its event type' },
      ]);
    }

    const ordered = ORDERED_EVENT_FIELDS.map(([name, write]) =>
      fields[name] === undefined ? '' : write(this, name, fields[name], jsonPointer(pointer, name)),
    );
    const remaining = definedEntries(fields)
      .filter(([key]) => !ORDERED_EVENT_FIELD_NAMES.has(key) && !this.isExcludedEventField(key))
      .flatMap(([key, raw]) => this.remainingEventField(key, raw, jsonPointer(pointer, key)));

    return `eventType=${eventType.trim()}${ordered.join('')}${sorted(remaining)}`;
  }

  values(name: string, raw: unknown, pointer: string, rule: ValueRule = {}): string[] {
    const items = Array.isArray(raw) ? raw : [raw];
    const texts = items.flatMap((item, i) => {
      const itemPointer = Array.isArray(raw) ? jsonPointer(pointer, i) : pointer;
      if (item !== null && typeof item === 'object') {
        throw new EpcisException('ValidationException', [
          { pointer: itemPointer, message: `${name} must be a single value` },
        ]);
      }
      const text = this.canonical.text(item, itemPointer, rule);
      return text === undefined ? [] : [`${name}=${text}`];
    });
    return Array.isArray(raw) ? [sorted(texts)] : texts;
  }

  epcList(name: string, list: unknown, pointer: string): string {
    const entries = this.array(list, pointer).flatMap((epc, i) =>
      this.values('epc', epc, jsonPointer(pointer, i)),
    );
    return entries.length === 0 ? '' : name + sorted(entries);
  }

  quantityList(name: string, list: unknown, pointer: string): string {
    const elements = this.array(list, pointer)
      .map((element, i) =>
        this.structure('quantityElement', element, jsonPointer(pointer, i), QUANTITY_ELEMENT_FIELDS),
      )
      .filter((element) => element !== '');
    return elements.length === 0 ? '' : name + sorted(elements);
  }

  persistentDisposition(name: string, raw: unknown, pointer: string): string {
    const fields = this.object(raw, pointer, 'persistentDisposition');
    const rule = { vocabulary: VOCAB.disposition };
    const content = ['set', 'unset']
      .map((key) =>
        fields[key] === undefined
          ? ''
          : this.values(key, fields[key], jsonPointer(pointer, key), rule).join(''),
      )
      .join('');
    const extensions = this.extensionFields(fields, ['set', 'unset'], pointer);
    return content + extensions === '' ? '' : name + content + extensions;
  }

  location(name: string, raw: unknown, pointer: string): string {
    return this.structure(name, raw, pointer, [['id', {}]]);
  }

  sensorElementList(name: string, list: unknown, pointer: string): string {
    const elements = this.array(list, pointer)
      .map((element, i) => this.sensorElement(element, jsonPointer(pointer, i)))
      .filter((element) => element !== '');
    return elements.length === 0 ? '' : name + sorted(elements);
  }

  private sensorElement(raw: unknown, pointer: string): string {
    const fields = this.object(raw, pointer, 'a sensorElement');
    const metadata =
      fields['sensorMetadata'] !== undefined
        ? this.structure(
            'sensorMetadata',
            fields['sensorMetadata'],
            jsonPointer(pointer, 'sensorMetadata'),
            SENSOR_METADATA_FIELDS,
          )
        : '';
    const reportsPointer = jsonPointer(pointer, 'sensorReport');
    const reports =
      fields['sensorReport'] !== undefined ? this.array(fields['sensorReport'], reportsPointer) : [];
    const reportTexts = reports.map((report, i) =>
      this.structure('sensorReport', report, jsonPointer(reportsPointer, i), SENSOR_REPORT_FIELDS),
    );
    const content =
      metadata +
      sorted(reportTexts) +
      this.extensionFields(fields, ['sensorMetadata', 'sensorReport'], pointer);
    return content === '' ? '' : `sensorElement${content}`;
  }

  /** A standard structure: its fields in the given order, then any further (extension) fields sorted. */
  private structure(
    name: string,
    raw: unknown,
    pointer: string,
    order: ReadonlyArray<readonly [string, ValueRule]>,
  ): string {
    const fields = this.object(raw, pointer, name);
    const content = order
      .map(([key, rule]) =>
        fields[key] === undefined
          ? ''
          : this.values(key, fields[key], jsonPointer(pointer, key), rule).join(''),
      )
      .join('');
    const extensions = this.extensionFields(
      fields,
      order.map(([key]) => key),
      pointer,
    );
    return content + extensions === '' ? '' : name + content + extensions;
  }

  private remainingEventField(key: string, raw: unknown, pointer: string): string[] {
    const typedList = TYPED_LISTS[key];
    if (typedList) return this.typedList(key, raw, pointer, typedList.element, typedList.typeVocabulary);
    if (key === 'ilmd') {
      const fields = this.object(raw, pointer, 'ilmd');
      const content = this.extensionFields(fields, [], pointer);
      return content === '' ? [] : [`ilmd${content}`];
    }
    return this.generic(key, raw, pointer);
  }

  private typedList(
    name: string,
    list: unknown,
    pointer: string,
    element: string,
    typeVocabulary: ValueRule['vocabulary'],
  ): string[] {
    const entries = this.array(list, pointer).map((raw, i) => {
      const entryPointer = jsonPointer(pointer, i);
      const fields = this.object(raw, entryPointer, element);
      return (
        this.values('type', fields['type'], jsonPointer(entryPointer, 'type'), {
          vocabulary: typeVocabulary,
        }).join('') +
        this.values(element, fields[element], jsonPointer(entryPointer, element)).join('') +
        this.extensionFields(fields, ['type', element], entryPointer)
      );
    });
    const content = sorted(entries.filter((entry) => entry !== ''));
    return content === '' ? [] : [name + content];
  }

  /** The fields of `fields` other than `known`, each written generically, in lexical order. */
  private extensionFields(fields: JsonObject, known: readonly string[], pointer: string): string {
    return sorted(
      definedEntries(fields)
        .filter(([key]) => !known.includes(key) && !this.isAnnotation(key))
        .flatMap(([key, raw]) => this.generic(key, raw, jsonPointer(pointer, key))),
    );
  }

  /**
   * A field outside the standard structure (user extension, ILMD): `{namespace}name=value` for a
   * value, `{namespace}name` followed by its sorted children for an object, one entry per array item.
   */
  private generic(key: string, raw: unknown, pointer: string): string[] {
    if (Array.isArray(raw)) return raw.flatMap((item, i) => this.generic(key, item, jsonPointer(pointer, i)));
    const name = this.canonical.fieldName(key);
    // An XML element with attributes or children and text too carries its text under `#text`.
    const [ownValue, children] = isObject(raw) ? [raw[XML_TEXT], raw] : [raw, {}];
    const text = this.canonical.text(ownValue, isObject(raw) ? jsonPointer(pointer, XML_TEXT) : pointer);
    return [
      (text === undefined ? name : `${name}=${text}`) + this.extensionFields(children, [XML_TEXT], pointer),
    ];
  }

  private isExcludedEventField(key: string): boolean {
    return EXCLUDED_EVENT_FIELDS.has(key) || this.isAnnotation(key);
  }

  /** JSON-LD keywords and comments (`rdfs:comment`) annotate a document; they are not event data. */
  private isAnnotation(key: string): boolean {
    return key.startsWith('@') || key === 'comment' || this.canonical.fieldName(key) === RDFS_COMMENT;
  }

  private object(raw: unknown, pointer: string, what: string): JsonObject {
    if (isObject(raw)) return raw;
    throw new EpcisException('ValidationException', [{ pointer, message: `${what} must be a JSON object` }]);
  }

  private array(raw: unknown, pointer: string): unknown[] {
    if (Array.isArray(raw)) return raw;
    throw new EpcisException('ValidationException', [{ pointer, message: 'must be a JSON array' }]);
  }
}
