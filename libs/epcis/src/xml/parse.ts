import type { Attr, Element } from '@xmldom/xmldom';
import { toBareCbvWord } from '../jsonld/vocabulary-forms';
import { EPCIS_CONTEXT_URI, type AnyEpcisDocument } from '../model/documents';
import type { JsonObject, JsonValue } from '../model/json';
import type { CbvVocabularyKind } from '../model/vocabulary';
import {
  childElements,
  dataAttributes,
  directTextOf,
  isBindingElement,
  located,
  type LocatedElement,
  parseXmlDocument,
  textOf,
  validationError,
  valueSchemes,
} from './dom';
import { ExtensionPrefixes } from './extension-prefixes';
import { EPCIS_1_NS, EPCIS_2_NS, EPCIS_QUERY_1_NS, EPCIS_QUERY_2_NS, SBDH_NS } from './namespaces';
import { validateAgainstEpcisXsd } from './xsd';

/**
 * Reads an EPCIS 2.0 or 1.2 XML document (EPCISDocument or EPCISQueryDocument) into the EPCIS 2.0 JSON-LD model.
 *
 * The reader is one tolerant pass for both versions: `extension` and `baseExtension` wrappers (EPCIS 1.x placed
 * eventID, errorDeclaration, quantityList, sourceList, ilmd, TransformationEvent, ... inside them) are looked
 * through, so a 1.2 field is found wherever 1.2 put it and the result has the 2.0 structure. Standard vocabulary
 * values become bare CBV words, identifiers are kept as written, quantities and sensor values become numbers.
 *
 * User extensions (elements and attributes in a non-EPCIS namespace) become `prefix:localName` keys; an element
 * with only text becomes a string, an element with child elements or attributes an object (attributes as keys,
 * its own text beside them under `#text`), repeated elements an array. Unqualified elements nested inside an extension
 * keep their bare local name. Each extension namespace gets an `@context` entry. Only names are expanded through
 * the document's namespace declarations, never values: a JSON-LD prefix that a value would use as a compact IRI
 * (`type="example:someSensorProperty"`) is renamed, so the value stays the URI it is in XML.
 *
 * Before it is read, the document is validated against GS1's XSD of its version (element order, cardinality,
 * simple types, which the JSON schema cannot see once the document is mapped to JSON); an invalid document is
 * refused with a ValidationException.
 */
export async function parseEpcisXml(xml: string): Promise<AnyEpcisDocument> {
  // First, as it is the faster parser and refuses a hostile document (say, nested 10,000 deep) in milliseconds.
  await validateAgainstEpcisXsd(xml);
  const document = parseXmlDocument(xml);
  const root = document.documentElement;
  if (!root) throw validationError('/', 'the XML document has no root element');
  const doc = new EpcisXmlReader(valueSchemes(root)).readDocument(
    located(root, `/${root.localName ?? root.nodeName}`),
  );
  // The reader builds the document's JSON shape; whether its content is a valid EPCIS document is the
  // validation step's question, as for any JSON-LD capture.
  return doc as unknown as AnyEpcisDocument;
}

const EVENT_TYPES = new Set([
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
]);

const EPC_LISTS = new Set(['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']);
const QUANTITY_LISTS = new Set([
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputQuantityList',
]);
const PLAIN_TEXT_FIELDS = new Set([
  'eventTime',
  'recordTime',
  'eventTimeZoneOffset',
  'eventID',
  'action',
  'parentID',
  'transformationID',
]);

const SENSOR_NUMBER_ATTRIBUTES = new Set([
  'value',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
]);
const SENSOR_VOCABULARY_ATTRIBUTES: ReadonlyMap<string, CbvVocabularyKind> = new Map([
  ['type', 'measurementType'],
  ['exception', 'sensorAlertType'],
  ['component', 'component'],
]);

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DOUBLE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

class EpcisXmlReader {
  private readonly prefixes: ExtensionPrefixes;

  /** `valueSchemes`: the schemes of the document's values, which no JSON-LD prefix may take (see ExtensionPrefixes). */
  constructor(valueSchemes: ReadonlySet<string>) {
    this.prefixes = new ExtensionPrefixes(valueSchemes);
  }

  readDocument(root: LocatedElement): JsonObject {
    const { el, name } = root;
    const isEpcisDocument = name === 'EPCISDocument' && isNamespace(el, EPCIS_2_NS, EPCIS_1_NS);
    const isQueryDocument =
      name === 'EPCISQueryDocument' && isNamespace(el, EPCIS_QUERY_2_NS, EPCIS_QUERY_1_NS);
    if (!isEpcisDocument && !isQueryDocument) {
      throw validationError(
        root.path,
        `unknown root element {${el.namespaceURI ?? ''}}${name}: expected an EPCIS 1.2/2.0 EPCISDocument or EPCISQueryDocument`,
      );
    }

    const doc: JsonObject = {
      type: isEpcisDocument ? 'EPCISDocument' : 'EPCISQueryDocument',
      schemaVersion: '2.0',
    };
    const creationDate = el.getAttribute('creationDate');
    if (creationDate) doc['creationDate'] = creationDate;
    this.readExtensionAttributes(el, doc, ['schemaVersion', 'creationDate']);

    let body: JsonObject | undefined;
    for (const child of this.flattened(root)) {
      if (!isBindingElement(child.el)) {
        this.addExtension(doc, child);
        continue;
      }
      switch (child.name) {
        case 'EPCISHeader':
          this.readHeader(child, doc);
          break;
        case 'EPCISBody':
          body = isEpcisDocument ? this.readDocumentBody(child) : this.readQueryBody(child);
          break;
        default:
          throw unexpected(child);
      }
    }
    if (!body) throw validationError(root.path, 'EPCISBody is missing');
    doc['epcisBody'] = body;
    return { '@context': [EPCIS_CONTEXT_URI, ...this.prefixes.contextEntries()], ...doc };
  }

  /** The children of `parent`, looking through the binding's `extension` / `baseExtension` wrappers. */
  private flattened(parent: LocatedElement): LocatedElement[] {
    return childElements(parent).flatMap((child) =>
      isBindingElement(child.el) && (child.name === 'extension' || child.name === 'baseExtension')
        ? this.flattened(child)
        : [child],
    );
  }

  private readHeader(header: LocatedElement, doc: JsonObject): void {
    for (const child of this.flattened(header)) {
      const { el, name } = child;
      if (el.namespaceURI === SBDH_NS && name === 'StandardBusinessDocumentHeader') {
        Object.assign(doc, readSbdh(child));
      } else if (!isBindingElement(el)) {
        this.addExtension(objectAt(doc, 'epcisHeader'), child);
      } else if (name === 'EPCISMasterData') {
        const masterData = objectAt(objectAt(doc, 'epcisHeader'), 'epcisMasterData');
        for (const md of this.flattened(child)) {
          if (!isBindingElement(md.el)) this.addExtension(masterData, md);
          else if (md.name === 'VocabularyList') masterData['vocabularyList'] = this.readVocabularyList(md);
          else throw unexpected(md);
        }
      } else {
        throw unexpected(child);
      }
    }
  }

  private readDocumentBody(body: LocatedElement): JsonObject {
    const result: JsonObject = { eventList: [] };
    for (const child of this.flattened(body)) {
      if (!isBindingElement(child.el)) this.addExtension(result, child);
      else if (child.name === 'EventList') result['eventList'] = this.readEventList(child);
      else throw unexpected(child);
    }
    return result;
  }

  private readQueryBody(body: LocatedElement): JsonObject {
    const children = this.flattened(body);
    const results = children.find((c) => c.name === 'QueryResults' && isBindingElement(c.el));
    if (!results) {
      throw validationError(body.path, 'an EPCISQueryDocument body must contain QueryResults');
    }
    const queryResults: JsonObject = {};
    for (const child of this.flattened(results)) {
      const { el, name } = child;
      if (!isBindingElement(el)) {
        this.addExtension(queryResults, child);
      } else if (name === 'queryName' || name === 'subscriptionID') {
        queryResults[name] = textOf(el);
      } else if (name === 'resultsBody') {
        const resultsBody: JsonObject = {};
        for (const part of this.flattened(child)) {
          if (!isBindingElement(part.el)) this.addExtension(resultsBody, part);
          else if (part.name === 'EventList') resultsBody['eventList'] = this.readEventList(part);
          else if (part.name === 'VocabularyList')
            resultsBody['vocabularyList'] = this.readVocabularyList(part);
          else throw unexpected(part);
        }
        queryResults['resultsBody'] = resultsBody;
      } else {
        throw unexpected(child);
      }
    }
    return { queryResults };
  }

  /** Events in document order; EPCIS 1.x TransformationEvent (extension) and AssociationEvent (extension/extension) included. */
  private readEventList(list: LocatedElement): JsonObject[] {
    return this.flattened(list).map((child) => {
      const { el, name } = child;
      if (isBindingElement(el) && EVENT_TYPES.has(name)) return this.readEvent(child, name);
      if (isBindingElement(el) && name === 'QuantityEvent') return this.readQuantityEvent(child);
      throw validationError(child.path, `unknown event element ${el.nodeName}`);
    });
  }

  private readEvent(event: LocatedElement, type: string): JsonObject {
    const result: JsonObject = { type };
    for (const child of this.flattened(event)) {
      if (isBindingElement(child.el)) this.readEventField(child, result);
      else this.addExtension(result, child);
    }
    this.readExtensionAttributes(event.el, result, []);
    return result;
  }

  private readEventField(field: LocatedElement, event: JsonObject): void {
    const { el, name, path } = field;
    if (PLAIN_TEXT_FIELDS.has(name)) event[name] = textOf(el);
    else if (name === 'bizStep') event[name] = toBareCbvWord('bizStep', textOf(el));
    else if (name === 'disposition') event[name] = toBareCbvWord('disposition', textOf(el));
    else if (name === 'certificationInfo') appendValue(event, name, textOf(el));
    else if (EPC_LISTS.has(name)) event[name] = this.readEpcList(field);
    else if (QUANTITY_LISTS.has(name)) event[name] = this.readQuantityList(field);
    else if (name === 'readPoint' || name === 'bizLocation') event[name] = this.readLocation(field);
    else if (name === 'bizTransactionList') event[name] = this.readBizTransactions(field);
    else if (name === 'sourceList') event[name] = this.readSourcesOrDestinations(field, 'source');
    else if (name === 'destinationList') event[name] = this.readSourcesOrDestinations(field, 'destination');
    else if (name === 'ilmd') event[name] = this.readExtensionContainer(field);
    else if (name === 'errorDeclaration') event[name] = this.readErrorDeclaration(field);
    else if (name === 'sensorElementList') event[name] = this.readSensorElementList(field);
    else if (name === 'persistentDisposition') event[name] = this.readPersistentDisposition(field);
    else throw validationError(path, `unexpected element ${el.nodeName} in ${String(event['type'])}`);
  }

  /**
   * EPCIS 1.0/1.1 QuantityEvent (dropped in 2.0): the standard defines it as equivalent to an ObjectEvent with
   * action OBSERVE whose quantityList holds its epcClass and quantity.
   */
  private readQuantityEvent(event: LocatedElement): JsonObject {
    const result: JsonObject = { type: 'ObjectEvent' };
    const quantity: JsonObject = {};
    for (const child of this.flattened(event)) {
      const { el, name, path } = child;
      if (!isBindingElement(el)) this.addExtension(result, child);
      else if (name === 'epcClass') quantity['epcClass'] = textOf(el);
      else if (name === 'quantity') quantity['quantity'] = parseNumber(textOf(el), path, DECIMAL);
      else this.readEventField(child, result);
    }
    result['action'] = 'OBSERVE';
    result['quantityList'] = [quantity];
    return result;
  }

  private readEpcList(list: LocatedElement): string[] {
    return childElements(list).map((child) => {
      if (!isBindingElement(child.el) || child.name !== 'epc') throw unexpected(child);
      return textOf(child.el);
    });
  }

  private readQuantityList(list: LocatedElement): JsonObject[] {
    return childElements(list).map((element) => {
      if (!isBindingElement(element.el) || element.name !== 'quantityElement') throw unexpected(element);
      const quantityElement: JsonObject = {};
      for (const child of childElements(element)) {
        const { el, name, path } = child;
        if (!isBindingElement(el)) throw unexpected(child);
        if (name === 'epcClass' || name === 'uom') quantityElement[name] = textOf(el);
        else if (name === 'quantity') {
          const text = textOf(el);
          if (text !== '') quantityElement[name] = parseNumber(text, path, DECIMAL);
        } else throw unexpected(child);
      }
      if (quantityElement['epcClass'] === undefined)
        throw validationError(element.path, 'quantityElement needs an epcClass');
      return quantityElement;
    });
  }

  private readLocation(location: LocatedElement): JsonObject {
    const result: JsonObject = {};
    for (const child of this.flattened(location)) {
      if (!isBindingElement(child.el)) this.addExtension(result, child);
      else if (child.name === 'id') result['id'] = textOf(child.el);
      else throw unexpected(child);
    }
    return result;
  }

  private readBizTransactions(list: LocatedElement): JsonObject[] {
    return childElements(list).map((child) => {
      const { el, name } = child;
      if (!isBindingElement(el) || name !== 'bizTransaction') throw unexpected(child);
      const bizTransaction: JsonObject = {};
      const type = el.getAttribute('type');
      if (type) bizTransaction['type'] = toBareCbvWord('bizTransactionType', type);
      bizTransaction['bizTransaction'] = textOf(el);
      return bizTransaction;
    });
  }

  private readSourcesOrDestinations(list: LocatedElement, item: 'source' | 'destination'): JsonObject[] {
    return childElements(list).map((child) => {
      const { el, name } = child;
      if (!isBindingElement(el) || name !== item) throw unexpected(child);
      const entry: JsonObject = {};
      const type = el.getAttribute('type');
      if (type) entry['type'] = toBareCbvWord('sourceDestType', type);
      entry[item] = textOf(el);
      return entry;
    });
  }

  /** ilmd: only user extension fields (EPCIS 1.x may wrap them in `extension`). */
  private readExtensionContainer(container: LocatedElement): JsonObject {
    const result: JsonObject = {};
    for (const child of this.flattened(container)) {
      if (isBindingElement(child.el)) throw unexpected(child);
      this.addExtension(result, child);
    }
    this.readExtensionAttributes(container.el, result, []);
    return result;
  }

  private readErrorDeclaration(declaration: LocatedElement): JsonObject {
    const result: JsonObject = {};
    for (const child of this.flattened(declaration)) {
      const { el, name } = child;
      if (!isBindingElement(el)) this.addExtension(result, child);
      else if (name === 'declarationTime') result['declarationTime'] = textOf(el);
      else if (name === 'reason') result['reason'] = toBareCbvWord('errorReason', textOf(el));
      else if (name === 'correctiveEventIDs') {
        result['correctiveEventIDs'] = childElements(child).map((id) => {
          if (!isBindingElement(id.el) || id.name !== 'correctiveEventID') throw unexpected(id);
          return textOf(id.el);
        });
      } else throw unexpected(child);
    }
    return result;
  }

  private readSensorElementList(list: LocatedElement): JsonObject[] {
    return this.flattened(list).map((element) => {
      if (!isBindingElement(element.el) || element.name !== 'sensorElement') throw unexpected(element);
      const sensorElement: JsonObject = {};
      const reports: JsonObject[] = [];
      for (const child of this.flattened(element)) {
        const { el, name } = child;
        if (!isBindingElement(el)) this.addExtension(sensorElement, child);
        else if (name === 'sensorMetadata')
          sensorElement['sensorMetadata'] = this.readSensorAttributes(child);
        else if (name === 'sensorReport') reports.push(this.readSensorAttributes(child));
        else throw unexpected(child);
      }
      return { ...sensorElement, sensorReport: reports };
    });
  }

  /** sensorMetadata / sensorReport: all data is in attributes, typed as the XSD types them. */
  private readSensorAttributes(sensor: LocatedElement): JsonObject {
    const result: JsonObject = {};
    for (const attr of dataAttributes(sensor.el)) {
      if (attr.namespaceURI) {
        result[this.extensionKey(attr)] = attr.value;
        continue;
      }
      const pointer = `${sensor.path}/@${attr.name}`;
      const vocabulary = SENSOR_VOCABULARY_ATTRIBUTES.get(attr.name);
      if (SENSOR_NUMBER_ATTRIBUTES.has(attr.name))
        result[attr.name] = parseNumber(attr.value, pointer, DOUBLE);
      else if (attr.name === 'booleanValue') result[attr.name] = parseBoolean(attr.value, pointer);
      else if (vocabulary) result[attr.name] = toBareCbvWord(vocabulary, attr.value);
      else result[attr.name] = attr.value;
    }
    for (const child of this.flattened(sensor)) {
      if (isBindingElement(child.el)) throw unexpected(child);
      this.addExtension(result, child);
    }
    return result;
  }

  private readPersistentDisposition(element: LocatedElement): JsonObject {
    const result: JsonObject = {};
    for (const child of childElements(element)) {
      const { el, name } = child;
      if (!isBindingElement(el) || (name !== 'set' && name !== 'unset')) throw unexpected(child);
      appendToArray(result, name, toBareCbvWord('disposition', textOf(el)));
    }
    return result;
  }

  private readVocabularyList(list: LocatedElement): JsonObject[] {
    return childElements(list).map((vocabulary) => {
      if (!isBindingElement(vocabulary.el) || vocabulary.name !== 'Vocabulary') throw unexpected(vocabulary);
      const result: JsonObject = { type: vocabulary.el.getAttribute('type') ?? '' };
      for (const child of this.flattened(vocabulary)) {
        if (!isBindingElement(child.el)) this.addExtension(result, child);
        else if (child.name === 'VocabularyElementList') {
          result['vocabularyElementList'] = childElements(child).map((element) =>
            this.readVocabularyElement(element),
          );
        } else throw unexpected(child);
      }
      this.readExtensionAttributes(vocabulary.el, result, ['type']);
      return result;
    });
  }

  private readVocabularyElement(element: LocatedElement): JsonObject {
    if (!isBindingElement(element.el) || element.name !== 'VocabularyElement') throw unexpected(element);
    const result: JsonObject = { id: element.el.getAttribute('id') ?? '' };
    const attributes: JsonObject[] = [];
    for (const child of this.flattened(element)) {
      const { el, name } = child;
      if (!isBindingElement(el)) this.addExtension(result, child);
      else if (name === 'attribute') {
        attributes.push({ id: el.getAttribute('id') ?? '', attribute: this.extensionValue(child, ['id']) });
      } else if (name === 'children') {
        result['children'] = childElements(child).map((id) => {
          if (!isBindingElement(id.el) || id.name !== 'id') throw unexpected(id);
          return textOf(id.el);
        });
      } else throw unexpected(child);
    }
    if (attributes.length > 0) result['attributes'] = attributes;
    this.readExtensionAttributes(element.el, result, ['id']);
    return result;
  }

  private addExtension(target: JsonObject, element: LocatedElement): void {
    appendValue(target, this.extensionKey(element.el), this.extensionValue(element));
  }

  /** Namespaced attributes of a binding element (its `anyAttribute`) as extension keys. */
  private readExtensionAttributes(el: Element, target: JsonObject, bindingAttributes: string[]): void {
    for (const attr of dataAttributes(el)) {
      if (attr.namespaceURI) target[this.extensionKey(attr)] = attr.value;
      else if (!bindingAttributes.includes(attr.name)) target[attr.name] = attr.value;
    }
  }

  private extensionKey(node: Element | Attr): string {
    if (!node.namespaceURI) return node.localName ?? node.nodeName;
    return `${this.prefixes.prefixFor(node.namespaceURI, node.prefix)}:${node.localName}`;
  }

  /** The JSON value of an extension element; `bindingAttributes` are unqualified attributes that are not data. */
  private extensionValue(element: LocatedElement, bindingAttributes: string[] = []): JsonValue {
    const children = childElements(element);
    const attributes = dataAttributes(element.el).filter(
      (a) => a.namespaceURI || !bindingAttributes.includes(a.name),
    );
    const text = directTextOf(element.el);
    if (children.length === 0 && attributes.length === 0) return text;
    const result: JsonObject = {};
    for (const attr of attributes) result[this.extensionKey(attr)] = attr.value;
    for (const child of children)
      appendValue(result, this.extensionKey(child.el), this.extensionValue(child));
    if (text !== '') result['#text'] = text;
    return result;
  }
}

function isNamespace(el: Element, ...namespaces: string[]): boolean {
  return el.namespaceURI !== null && namespaces.includes(el.namespaceURI);
}

function unexpected(element: LocatedElement): Error {
  return validationError(element.path, `unexpected element ${element.el.nodeName}`);
}

/**
 * Sets `key`, turning it into an array when the key repeats (repeated XML elements). Values read from XML are
 * never arrays themselves, so an existing array always means "repeated before".
 */
function appendValue(target: JsonObject, key: string, value: JsonValue): void {
  const existing = target[key];
  if (existing === undefined) target[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else target[key] = [existing, value];
}

function appendToArray(target: JsonObject, key: string, value: JsonValue): void {
  const existing = target[key];
  if (Array.isArray(existing)) existing.push(value);
  else target[key] = [value];
}

function objectAt(target: JsonObject, key: string): JsonObject {
  const existing = target[key];
  if (existing && typeof existing === 'object' && !Array.isArray(existing)) return existing;
  const created: JsonObject = {};
  target[key] = created;
  return created;
}

function parseNumber(text: string, pointer: string, pattern: RegExp): number {
  if (!pattern.test(text)) throw validationError(pointer, `"${text}" is not a number`);
  return Number(text);
}

function parseBoolean(text: string, pointer: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw validationError(pointer, `"${text}" is not a boolean`);
}

/** The SBDH fields the JSON-LD document model carries: sender, receiver and the instance identifier. */
function readSbdh(sbdh: LocatedElement): JsonObject {
  const result: JsonObject = {};
  const identifier = (partyName: string): string | undefined => {
    const party = childElements(sbdh).find((c) => c.name === partyName);
    const id = party && childElements(party).find((c) => c.name === 'Identifier');
    return id ? textOf(id.el) : undefined;
  };
  const sender = identifier('Sender');
  const receiver = identifier('Receiver');
  const identification = childElements(sbdh).find((c) => c.name === 'DocumentIdentification');
  const instance =
    identification && childElements(identification).find((c) => c.name === 'InstanceIdentifier');
  if (instance) result['instanceIdentifier'] = textOf(instance.el);
  if (sender !== undefined) result['sender'] = sender;
  if (receiver !== undefined) result['receiver'] = receiver;
  return result;
}
