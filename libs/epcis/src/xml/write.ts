import { EpcisException, jsonPointer } from '../errors';
import { EPCIS_CONTEXT_PREFIXES } from '../jsonld/context';
import { toCbvUri, toCbvUrn } from '../jsonld/vocabulary-forms';
import type { AnyEpcisDocument } from '../model/documents';
import type { JsonObject, JsonValue } from '../model/json';
import type { CbvVocabularyKind } from '../model/vocabulary';
import { EPCIS_2_NS, EPCIS_QUERY_2_NS, SBDH_NS } from './namespaces';
import { element, serializeXml, textElement, type XmlElement } from './xml-text';

/**
 * Writes an EPCIS 2.0 JSON-LD document (EPCISDocument or EPCISQueryDocument) as EPCIS 2.0 XML
 * (`urn:epcglobal:epcis:xsd:2`), fields in the 2.0 schema's element order.
 *
 * Standard vocabulary words become CBV URNs (`urn:epcglobal:cbv:bizstep:shipping`) or, for the 2.0-only
 * vocabularies, full Web URIs (`https://gs1.org/voc/Temperature`); extension keys (`prefix:name` or absolute
 * IRIs) become namespaced elements, their namespaces declared on the root element from the document's
 * `@context` (or the EPCIS context's own prefixes such as `cbvmda`). Objects become nested elements, arrays
 * repeated elements, scalars text. The JSON-LD document `id` has no place in the XML binding and is not written.
 */
export function toEpcisXml(doc: AnyEpcisDocument | JsonObject, options: EpcisXmlOptions = {}): string {
  // The writer reads the document as plain JSON (it checks every shape it relies on).
  return serializeXml(new EpcisXmlWriter(doc as JsonObject, options.vocabulary ?? 'urn').writeDocument());
}

/**
 * How standard vocabulary values are written (EPCIS 2.0 REST binding, `GS1-CBV-XML-Format`): `urn` (default) as CBV
 * URNs where the vocabulary has them, `uri` as Web URIs, `as-written` as the document holds them when that is a URI
 * (a bare word, which XML cannot carry, as a URN).
 */
export interface EpcisXmlOptions {
  vocabulary?: 'urn' | 'uri' | 'as-written';
}

type EventType =
  'ObjectEvent' | 'AggregationEvent' | 'TransactionEvent' | 'TransformationEvent' | 'AssociationEvent';

const COMMON_EVENT_FIELDS = [
  'eventTime',
  'recordTime',
  'eventTimeZoneOffset',
  'eventID',
  'errorDeclaration',
  'certificationInfo',
];
const WHY_AND_HOW = ['sourceList', 'destinationList', 'sensorElementList', 'persistentDisposition'];

/** EPCIS 2.0 XSD sequence of each event type (after the common EPCISEventType fields). */
const EVENT_FIELD_ORDER: Readonly<Record<EventType, readonly string[]>> = {
  ObjectEvent: [
    'epcList',
    'action',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    'quantityList',
    ...WHY_AND_HOW,
    'ilmd',
  ],
  AggregationEvent: [
    'parentID',
    'childEPCs',
    'action',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    'childQuantityList',
    ...WHY_AND_HOW,
  ],
  TransactionEvent: [
    'bizTransactionList',
    'parentID',
    'epcList',
    'action',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'quantityList',
    ...WHY_AND_HOW,
  ],
  TransformationEvent: [
    'inputEPCList',
    'inputQuantityList',
    'outputEPCList',
    'outputQuantityList',
    'transformationID',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    ...WHY_AND_HOW,
    'ilmd',
  ],
  AssociationEvent: [
    'parentID',
    'childEPCs',
    'childQuantityList',
    'action',
    'bizStep',
    'disposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    ...WHY_AND_HOW,
  ],
};

const SENSOR_VOCABULARY_FIELDS: ReadonlyMap<string, CbvVocabularyKind> = new Map([
  ['type', 'measurementType'],
  ['exception', 'sensorAlertType'],
  ['component', 'component'],
]);

/** The sensorMetadata / sensorReport attributes the XSD types xsd:anyURI. */
const SENSOR_URI_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'exception',
  'component',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'bizRules',
  'microorganism',
  'chemicalSubstance',
  'uriValue',
  'coordinateReferenceSystem',
]);

/** XML prefixes the writer uses itself; an extension prefix with one of these names is renamed. */
/** Lists of typed entries: the XML element of each entry and the vocabulary of its `type`. */
const TYPED_LISTS: Readonly<
  Record<'bizTransactionList' | 'sourceList' | 'destinationList', [string, CbvVocabularyKind]>
> = {
  bizTransactionList: ['bizTransaction', 'bizTransactionType'],
  sourceList: ['source', 'sourceDestType'],
  destinationList: ['destination', 'sourceDestType'],
};

const WRITER_PREFIXES = new Set(['epcis', 'epcisq', 'sbdh', 'xsi', 'xml', 'xmlns']);
const NCNAME = /^[A-Za-z_][\w.-]*$/;
const CURIE = /^([A-Za-z_][\w.-]*):(.+)$/;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isExtensionKey(key: string): boolean {
  return key.includes(':');
}

function invalid(pointer: string, message: string): EpcisException {
  return new EpcisException('ValidationException', [{ pointer, message }]);
}

class EpcisXmlWriter {
  /** JSON-LD prefix → namespace, from the document's and its events' @context. */
  private readonly contextPrefixes = new Map<string, string>();
  /** Namespaces declared on the root: XML prefix → namespace, and the reverse. */
  private readonly declared = new Map<string, string>();
  private readonly prefixOfNamespace = new Map<string, string>();

  constructor(
    private readonly doc: JsonObject,
    private readonly vocabulary: 'urn' | 'uri' | 'as-written',
  ) {
    this.collectContext(doc['@context']);
  }

  private vocabularyValue(kind: CbvVocabularyKind, value: string): string {
    if (this.vocabulary === 'uri') return toCbvUri(kind, value);
    if (this.vocabulary === 'as-written' && /^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
    return toCbvUrn(kind, value);
  }

  writeDocument(): XmlElement {
    const type = this.doc['type'];
    if (type !== 'EPCISDocument' && type !== 'EPCISQueryDocument') {
      throw invalid('/type', `cannot write a document of type ${JSON.stringify(type)} as EPCIS XML`);
    }
    const isQuery = type === 'EPCISQueryDocument';
    const body = this.doc['epcisBody'];
    if (!isObject(body)) throw invalid('/epcisBody', 'epcisBody is missing');

    const children: XmlElement[] = [];
    const header = this.writeHeader();
    if (header) children.push(header);
    children.push(isQuery ? this.writeQueryBody(body) : this.writeDocumentBody(body));
    children.push(
      ...this.writeExtensions(this.doc, '', [
        '@context',
        'id',
        'type',
        'schemaVersion',
        'creationDate',
        'instanceIdentifier',
        'sender',
        'receiver',
        'epcisHeader',
        'epcisBody',
      ]),
    );

    const rootName = isQuery ? 'epcisq:EPCISQueryDocument' : 'epcis:EPCISDocument';
    const attributes: Array<[string, string]> = [
      isQuery ? ['xmlns:epcisq', EPCIS_QUERY_2_NS] : ['xmlns:epcis', EPCIS_2_NS],
      ...[...this.declared].map(([prefix, namespace]): [string, string] => [`xmlns:${prefix}`, namespace]),
      ['schemaVersion', '2.0'],
    ];
    const creationDate = this.doc['creationDate'];
    if (typeof creationDate === 'string') attributes.push(['creationDate', creationDate]);
    return element(rootName, children, attributes);
  }

  /**
   * A compact IRI with a prefix of the document's context (`example:someSensorProperty`) as the IRI it stands for.
   * An XML value typed anyURI is never expanded through namespace declarations: written as is, it would be a URI
   * with the scheme `example`.
   */
  private absoluteIri(value: string): string {
    const curie = CURIE.exec(value);
    if (!curie || curie[2].startsWith('//')) return value;
    const namespace = this.contextPrefixes.get(curie[1]);
    return namespace === undefined ? value : namespace + curie[2];
  }

  private collectContext(context: JsonValue | undefined): void {
    const entries = Array.isArray(context) ? context : [context];
    for (const entry of entries) {
      if (!isObject(entry)) continue;
      for (const [prefix, namespace] of Object.entries(entry)) {
        if (typeof namespace === 'string' && NCNAME.test(prefix) && !prefix.startsWith('@')) {
          this.contextPrefixes.set(prefix, namespace);
        }
      }
    }
  }

  private writeHeader(): XmlElement | undefined {
    const children: XmlElement[] = [];
    const sbdh = this.writeSbdh();
    if (sbdh) children.push(sbdh);
    const header = this.doc['epcisHeader'];
    if (isObject(header)) {
      const extension: XmlElement[] = [];
      const masterData = header['epcisMasterData'];
      if (isObject(masterData)) {
        const vocabularies = masterData['vocabularyList'];
        const pointer = '/epcisHeader/epcisMasterData/vocabularyList';
        extension.push(element('EPCISMasterData', [this.writeVocabularyList(vocabularies, pointer)]));
      }
      extension.push(...this.writeExtensions(header, '/epcisHeader', ['epcisMasterData']));
      if (extension.length > 0) children.push(element('extension', extension));
    }
    return children.length > 0 ? element('EPCISHeader', children) : undefined;
  }

  /** The SBDH carries the JSON-LD document's sender, receiver and instanceIdentifier. */
  private writeSbdh(): XmlElement | undefined {
    const { sender, receiver, instanceIdentifier, creationDate } = this.doc;
    if (sender === undefined && receiver === undefined && instanceIdentifier === undefined) return undefined;
    this.declared.set('sbdh', SBDH_NS);
    this.prefixOfNamespace.set(SBDH_NS, 'sbdh');
    const children = [textElement('sbdh:HeaderVersion', '1.0')];
    if (sender !== undefined)
      children.push(element('sbdh:Sender', [textElement('sbdh:Identifier', String(sender))]));
    if (receiver !== undefined) {
      children.push(element('sbdh:Receiver', [textElement('sbdh:Identifier', String(receiver))]));
    }
    if (instanceIdentifier !== undefined) {
      const identification = [
        textElement('sbdh:Standard', 'EPCglobal'),
        textElement('sbdh:TypeVersion', '2.0'),
        textElement('sbdh:InstanceIdentifier', String(instanceIdentifier)),
        textElement('sbdh:Type', 'Events'),
      ];
      if (typeof creationDate === 'string')
        identification.push(textElement('sbdh:CreationDateAndTime', creationDate));
      children.push(element('sbdh:DocumentIdentification', identification));
    }
    return element('sbdh:StandardBusinessDocumentHeader', children);
  }

  private writeDocumentBody(body: JsonObject): XmlElement {
    return element('EPCISBody', [
      this.writeEventList(body['eventList'], '/epcisBody/eventList'),
      ...this.writeExtensions(body, '/epcisBody', ['eventList']),
    ]);
  }

  private writeQueryBody(body: JsonObject): XmlElement {
    const results = body['queryResults'];
    const pointer = '/epcisBody/queryResults';
    if (!isObject(results)) throw invalid(pointer, 'queryResults is missing');
    const children = [textElement('queryName', String(results['queryName'] ?? ''))];
    if (results['subscriptionID'] !== undefined) {
      children.push(textElement('subscriptionID', String(results['subscriptionID'])));
    }
    const resultsBody = results['resultsBody'];
    if (!isObject(resultsBody)) throw invalid(`${pointer}/resultsBody`, 'resultsBody is missing');
    const resultsChildren =
      resultsBody['vocabularyList'] !== undefined && resultsBody['eventList'] === undefined
        ? [this.writeVocabularyList(resultsBody['vocabularyList'], `${pointer}/resultsBody/vocabularyList`)]
        : [this.writeEventList(resultsBody['eventList'], `${pointer}/resultsBody/eventList`)];
    children.push(element('resultsBody', resultsChildren));
    children.push(...this.writeExtensions(results, pointer, ['queryName', 'subscriptionID', 'resultsBody']));
    return element('EPCISBody', [element('epcisq:QueryResults', children)]);
  }

  private writeEventList(events: JsonValue | undefined, pointer: string): XmlElement {
    if (events === undefined) return element('EventList');
    if (!Array.isArray(events)) throw invalid(pointer, 'eventList must be an array');
    return element(
      'EventList',
      events.map((event, i) => this.writeEvent(event, jsonPointer(pointer, i))),
    );
  }

  private writeEvent(event: JsonValue, pointer: string): XmlElement {
    if (!isObject(event)) throw invalid(pointer, 'an event must be an object');
    const type = event['type'];
    if (typeof type !== 'string' || !Object.hasOwn(EVENT_FIELD_ORDER, type)) {
      throw invalid(jsonPointer(pointer, 'type'), `unknown event type ${JSON.stringify(type)}`);
    }
    this.collectContext(event['@context']);
    const fields = [...COMMON_EVENT_FIELDS, ...EVENT_FIELD_ORDER[type as EventType]];
    const children: XmlElement[] = [];
    for (const field of fields) {
      const value = event[field];
      if (value !== undefined && value !== null)
        children.push(...this.writeEventField(field, value, jsonPointer(pointer, field)));
    }
    children.push(...this.writeExtensions(event, pointer, ['type', '@context', ...fields], type));
    return element(type, children);
  }

  private writeEventField(field: string, value: JsonValue, pointer: string): XmlElement[] {
    switch (field) {
      case 'bizStep':
      case 'disposition':
        return [textElement(field, this.vocabularyValue(field, this.text(value, pointer)))];
      case 'certificationInfo':
        return (Array.isArray(value) ? value : [value]).map((v, i) =>
          textElement(field, this.text(v, jsonPointer(pointer, i))),
        );
      case 'epcList':
      case 'childEPCs':
      case 'inputEPCList':
      case 'outputEPCList':
        return [this.list(field, value, pointer, (epc, at) => textElement('epc', this.text(epc, at)))];
      case 'quantityList':
      case 'childQuantityList':
      case 'inputQuantityList':
      case 'outputQuantityList':
        return [this.list(field, value, pointer, (q, at) => this.writeQuantityElement(q, at))];
      case 'readPoint':
      case 'bizLocation':
        return [this.writeLocation(field, value, pointer)];
      case 'bizTransactionList':
      case 'sourceList':
      case 'destinationList': {
        const [entry, vocabulary] = TYPED_LISTS[field];
        return [this.list(field, value, pointer, (t, at) => this.writeTyped(entry, vocabulary, t, at))];
      }
      case 'ilmd':
        return [element('ilmd', this.writeExtensions(this.object(value, pointer), pointer, []))];
      case 'errorDeclaration':
        return [this.writeErrorDeclaration(this.object(value, pointer), pointer)];
      case 'sensorElementList':
        return [this.list(field, value, pointer, (e, at) => this.writeSensorElement(e, at))];
      case 'persistentDisposition':
        return [this.writePersistentDisposition(this.object(value, pointer), pointer)];
      default:
        return [textElement(field, this.text(value, pointer))];
    }
  }

  private writeQuantityElement(value: JsonValue, pointer: string): XmlElement {
    const quantity = this.object(value, pointer);
    const children = [
      textElement('epcClass', this.text(quantity['epcClass'], jsonPointer(pointer, 'epcClass'))),
    ];
    if (quantity['quantity'] !== undefined) {
      const amount = quantity['quantity'];
      if (typeof amount !== 'number' || !Number.isFinite(amount)) {
        throw invalid(jsonPointer(pointer, 'quantity'), 'quantity must be a number');
      }
      children.push(textElement('quantity', formatDecimal(amount)));
    }
    if (quantity['uom'] !== undefined)
      children.push(textElement('uom', this.text(quantity['uom'], jsonPointer(pointer, 'uom'))));
    return element('quantityElement', children);
  }

  private writeLocation(name: string, value: JsonValue, pointer: string): XmlElement {
    const location = this.object(value, pointer);
    return element(name, [
      textElement('id', this.text(location['id'], jsonPointer(pointer, 'id'))),
      ...this.writeExtensions(location, pointer, ['id']),
    ]);
  }

  /** bizTransaction / source / destination: the identifier as text, the CBV type as attribute. */
  /** A list field: one child element per entry, written by `write` with the entry's JSON pointer. */
  private list(
    field: string,
    value: JsonValue,
    pointer: string,
    write: (entry: JsonValue, pointer: string) => XmlElement,
  ): XmlElement {
    return element(
      field,
      this.array(value, pointer).map((entry, i) => write(entry, jsonPointer(pointer, i))),
    );
  }

  private writeTyped(name: string, kind: CbvVocabularyKind, value: JsonValue, pointer: string): XmlElement {
    const entry = this.object(value, pointer);
    const attributes: Array<[string, string]> = [];
    if (entry['type'] !== undefined) {
      attributes.push([
        'type',
        this.vocabularyValue(kind, this.text(entry['type'], jsonPointer(pointer, 'type'))),
      ]);
    }
    return textElement(name, this.text(entry[name], jsonPointer(pointer, name)), attributes);
  }

  private writeErrorDeclaration(declaration: JsonObject, pointer: string): XmlElement {
    const children: XmlElement[] = [];
    if (declaration['declarationTime'] !== undefined) {
      children.push(
        textElement(
          'declarationTime',
          this.text(declaration['declarationTime'], jsonPointer(pointer, 'declarationTime')),
        ),
      );
    }
    if (declaration['reason'] !== undefined) {
      children.push(
        textElement(
          'reason',
          this.vocabularyValue(
            'errorReason',
            this.text(declaration['reason'], jsonPointer(pointer, 'reason')),
          ),
        ),
      );
    }
    if (declaration['correctiveEventIDs'] !== undefined) {
      const idsPointer = jsonPointer(pointer, 'correctiveEventIDs');
      const ids = this.array(declaration['correctiveEventIDs'], idsPointer);
      children.push(
        element(
          'correctiveEventIDs',
          ids.map((id, i) => textElement('correctiveEventID', this.text(id, jsonPointer(idsPointer, i)))),
        ),
      );
    }
    children.push(
      ...this.writeExtensions(declaration, pointer, ['declarationTime', 'reason', 'correctiveEventIDs']),
    );
    return element('errorDeclaration', children);
  }

  private writeSensorElement(value: JsonValue, pointer: string): XmlElement {
    const sensorElement = this.object(value, pointer);
    const children: XmlElement[] = [];
    if (sensorElement['sensorMetadata'] !== undefined) {
      children.push(
        this.writeSensorAttributes(
          'sensorMetadata',
          sensorElement['sensorMetadata'],
          jsonPointer(pointer, 'sensorMetadata'),
        ),
      );
    }
    const reportsPointer = jsonPointer(pointer, 'sensorReport');
    for (const [i, report] of this.array(sensorElement['sensorReport'] ?? [], reportsPointer).entries()) {
      children.push(this.writeSensorAttributes('sensorReport', report, jsonPointer(reportsPointer, i)));
    }
    children.push(...this.writeExtensions(sensorElement, pointer, ['sensorMetadata', 'sensorReport']));
    return element('sensorElement', children);
  }

  /** sensorMetadata / sensorReport carry everything, extensions included, as attributes. */
  private writeSensorAttributes(name: string, value: JsonValue, pointer: string): XmlElement {
    const attributes: Array<[string, string]> = [];
    const children: XmlElement[] = [];
    for (const [key, field] of Object.entries(this.object(value, pointer))) {
      const fieldPointer = jsonPointer(pointer, key);
      if (field === null) continue;
      if (isObject(field) || Array.isArray(field)) {
        if (!isExtensionKey(key)) throw invalid(fieldPointer, `${key} must be a single value`);
        children.push(
          ...this.writeExtensionValue(this.qualifiedName(key, fieldPointer), field, fieldPointer),
        );
        continue;
      }
      const vocabulary = SENSOR_VOCABULARY_FIELDS.get(key);
      const text = typeof field === 'string' ? field : String(field);
      const attributeName = isExtensionKey(key) ? this.qualifiedName(key, fieldPointer) : key;
      const written = vocabulary ? this.vocabularyValue(vocabulary, text) : text;
      attributes.push([attributeName, SENSOR_URI_FIELDS.has(key) ? this.absoluteIri(written) : written]);
    }
    return { name, attributes, children };
  }

  private writePersistentDisposition(disposition: JsonObject, pointer: string): XmlElement {
    const children: XmlElement[] = [];
    for (const key of ['unset', 'set']) {
      if (disposition[key] === undefined) continue;
      const listPointer = jsonPointer(pointer, key);
      for (const [i, d] of this.array(disposition[key], listPointer).entries()) {
        children.push(
          textElement(key, this.vocabularyValue('disposition', this.text(d, jsonPointer(listPointer, i)))),
        );
      }
    }
    return element('persistentDisposition', children);
  }

  private writeVocabularyList(value: JsonValue | undefined, pointer: string): XmlElement {
    const vocabularies = this.array(value ?? [], pointer).map((v, i) => {
      const vocabularyPointer = jsonPointer(pointer, i);
      const vocabulary = this.object(v, vocabularyPointer);
      const elementsPointer = jsonPointer(vocabularyPointer, 'vocabularyElementList');
      const elements = this.array(vocabulary['vocabularyElementList'] ?? [], elementsPointer).map((e, j) =>
        this.writeVocabularyElement(e, jsonPointer(elementsPointer, j)),
      );
      const children = elements.length > 0 ? [element('VocabularyElementList', elements)] : [];
      children.push(
        ...this.writeExtensions(vocabulary, vocabularyPointer, ['type', 'vocabularyElementList']),
      );
      return element('Vocabulary', children, [
        ['type', this.text(vocabulary['type'], jsonPointer(vocabularyPointer, 'type'))],
      ]);
    });
    return element('VocabularyList', vocabularies);
  }

  private writeVocabularyElement(value: JsonValue, pointer: string): XmlElement {
    const vocabularyElement = this.object(value, pointer);
    const children: XmlElement[] = [];
    const attributesPointer = jsonPointer(pointer, 'attributes');
    for (const [i, a] of this.array(vocabularyElement['attributes'] ?? [], attributesPointer).entries()) {
      const attributePointer = jsonPointer(attributesPointer, i);
      const attribute = this.object(a, attributePointer);
      const id = this.text(attribute['id'], jsonPointer(attributePointer, 'id'));
      const values = Array.isArray(attribute['attribute'])
        ? attribute['attribute']
        : [attribute['attribute'] ?? ''];
      for (const attributeValue of values) {
        const written = this.writeExtensionValue(
          'attribute',
          attributeValue,
          jsonPointer(attributePointer, 'attribute'),
        );
        children.push(
          ...written.map((w) => ({ ...w, attributes: [['id', id] as [string, string], ...w.attributes] })),
        );
      }
    }
    if (vocabularyElement['children'] !== undefined) {
      const childrenPointer = jsonPointer(pointer, 'children');
      const ids = this.array(vocabularyElement['children'], childrenPointer);
      children.push(
        element(
          'children',
          ids.map((id, i) => textElement('id', this.text(id, jsonPointer(childrenPointer, i)))),
        ),
      );
    }
    children.push(...this.writeExtensions(vocabularyElement, pointer, ['id', 'attributes', 'children']));
    return element('VocabularyElement', children, [
      ['id', this.text(vocabularyElement['id'], jsonPointer(pointer, 'id'))],
    ]);
  }

  /**
   * The extension fields of `owner` (keys outside `known`) as namespaced elements. A key without a colon that is
   * not a known field of the EPCIS structure cannot be written (JSON-LD would drop it too).
   */
  private writeExtensions(
    owner: JsonObject,
    pointer: string,
    known: string[],
    typeName?: string,
  ): XmlElement[] {
    const written: XmlElement[] = [];
    for (const [key, value] of Object.entries(owner)) {
      if (known.includes(key) || value === undefined) continue;
      const keyPointer = jsonPointer(pointer, key);
      if (!isExtensionKey(key)) {
        throw invalid(
          keyPointer,
          `${key} is not a field of ${typeName ?? 'this structure'} and not a namespaced extension`,
        );
      }
      written.push(...this.writeExtensionValue(this.qualifiedName(key, keyPointer), value, keyPointer));
    }
    return written;
  }

  /** One element per value: arrays repeat the element, objects nest, JSON-LD value objects give their value. */
  private writeExtensionValue(name: string, value: JsonValue, pointer: string): XmlElement[] {
    if (value === null) return [];
    if (Array.isArray(value))
      return value.flatMap((item, i) => this.writeExtensionValue(name, item, jsonPointer(pointer, i)));
    if (!isObject(value)) return [textElement(name, String(value))];
    const literal = value['@value'] ?? value['@id'];
    if (literal !== undefined && literal !== null && !isObject(literal) && !Array.isArray(literal)) {
      return [textElement(name, String(literal))];
    }
    const children: XmlElement[] = [];
    let text: string | undefined;
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith('@')) continue;
      const childPointer = jsonPointer(pointer, key);
      if (key === '#text') {
        text = String(child);
        continue;
      }
      const childName = isExtensionKey(key)
        ? this.qualifiedName(key, childPointer)
        : this.localName(key, childPointer);
      children.push(...this.writeExtensionValue(childName, child, childPointer));
    }
    return [{ name, attributes: [], children, text }];
  }

  /** The XML qualified name for an extension key (`prefix:local` CURIE or absolute IRI), declaring its namespace. */
  private qualifiedName(key: string, pointer: string): string {
    const curie = CURIE.exec(key);
    const curieNamespace = curie
      ? (this.contextPrefixes.get(curie[1]) ??
        (Object.hasOwn(EPCIS_CONTEXT_PREFIXES, curie[1]) ? EPCIS_CONTEXT_PREFIXES[curie[1]] : undefined))
      : undefined;
    if (curie && curieNamespace !== undefined) {
      return `${this.declare(curie[1], curieNamespace)}:${this.localName(curie[2], pointer)}`;
    }
    // Otherwise only an absolute IRI with an authority (`https://…`) or a URN is taken as an IRI: `nope:x` with an
    // undeclared prefix is far more likely a missing @context entry than a URI of scheme `nope`.
    const split = /^(.*[/#:])([^/#:]+)$/.exec(key);
    if (!split || !/^([A-Za-z][\w+.-]*:\/\/|urn:)/i.test(key)) {
      throw invalid(pointer, `the namespace prefix of ${key} is not declared in @context`);
    }
    return `${this.declare('ns', split[1])}:${this.localName(split[2], pointer)}`;
  }

  private localName(name: string, pointer: string): string {
    if (!NCNAME.test(name)) throw invalid(pointer, `${name} cannot be an XML element name`);
    return name;
  }

  /** Declares `namespace` on the root, under `preferredPrefix` if that is free, and returns the XML prefix used. */
  private declare(preferredPrefix: string, namespace: string): string {
    const existing = this.prefixOfNamespace.get(namespace);
    if (existing !== undefined) return existing;
    const base =
      WRITER_PREFIXES.has(preferredPrefix) || /^xml/i.test(preferredPrefix)
        ? `${preferredPrefix}_`
        : preferredPrefix;
    let prefix = base;
    for (let n = 1; this.declared.has(prefix); n++) prefix = `${base}${n}`;
    this.declared.set(prefix, namespace);
    this.prefixOfNamespace.set(namespace, prefix);
    return prefix;
  }

  private text(value: JsonValue | undefined, pointer: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw invalid(pointer, 'a text value is required here');
  }

  private array(value: JsonValue | undefined, pointer: string): JsonValue[] {
    if (!Array.isArray(value)) throw invalid(pointer, 'an array is required here');
    return value;
  }

  private object(value: JsonValue | undefined, pointer: string): JsonObject {
    if (!isObject(value)) throw invalid(pointer, 'an object is required here');
    return value;
  }
}

/** xsd:decimal has no exponent: expand JavaScript's exponent notation (1e-7 → 0.0000001). */
export function formatDecimal(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, fraction = '', exponentText] = match;
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const pointAt = 1 + exponent;
  return digits.length <= pointAt
    ? `${sign}${digits}${'0'.repeat(pointAt - digits.length)}`
    : `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}
