import { DOMParser, type Attr, type Document, type Element } from '@xmldom/xmldom';
import { EpcisException } from '../errors';
import { EPCIS_BINDING_NAMESPACES, XMLNS_NS, XSI_NS } from './namespaces';

/** An element together with its path in the document, used as the problem pointer of errors. */
export interface LocatedElement {
  el: Element;
  /** Local name (without prefix). */
  name: string;
  path: string;
}

export function located(el: Element, path: string): LocatedElement {
  return { el, name: el.localName ?? el.nodeName, path };
}

export function validationError(pointer: string, message: string): EpcisException {
  return new EpcisException('ValidationException', [{ pointer, message }]);
}

/** Parses XML text into a namespace-aware DOM; any well-formedness or namespace error is a ValidationException. */
export function parseXmlDocument(xml: string): Document {
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  });
  try {
    // XML 1.0 (Appendix F) allows a UTF-8 byte-order mark before the declaration; the DOM parser does not skip it.
    return parser.parseFromString(xml.replace(/^\uFEFF/, ''), 'application/xml');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw validationError('/', `malformed XML: ${message.split('\n')[0].trim()}`);
  }
}

/**
 * The child elements of `parent` with their paths. A child gets an XPath-like 1-based index (`ObjectEvent[2]`)
 * when siblings share its name.
 */
export function childElements(parent: LocatedElement): LocatedElement[] {
  const elements: Element[] = [];
  for (let node = parent.el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) elements.push(node as Element);
  }
  const totals = new Map<string, number>();
  for (const el of elements) totals.set(el.nodeName, (totals.get(el.nodeName) ?? 0) + 1);
  const seen = new Map<string, number>();
  return elements.map((el) => {
    const index = (seen.get(el.nodeName) ?? 0) + 1;
    seen.set(el.nodeName, index);
    const name = (totals.get(el.nodeName) ?? 0) > 1 ? `${el.nodeName}[${index}]` : el.nodeName;
    return located(el, `${parent.path}/${name}`);
  });
}

/** Whether an element belongs to the EPCIS binding (unqualified, or in an EPCIS namespace) rather than to a user extension. */
export function isBindingElement(el: Element): boolean {
  return el.namespaceURI === null || EPCIS_BINDING_NAMESPACES.has(el.namespaceURI);
}

export function textOf(el: Element): string {
  return (el.textContent ?? '').trim();
}

/** The element's own text (text and CDATA children, not the text of child elements), trimmed. */
export function directTextOf(el: Element): string {
  let text = '';
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.TEXT_NODE || node.nodeType === node.CDATA_SECTION_NODE)
      text += node.nodeValue ?? '';
  }
  return text.trim();
}

const URI_SCHEME_OR_PREFIX = /^([A-Za-z_][\w.-]*):(?!\/\/)/;

/**
 * The part before the first colon of every text and data-attribute value below `root` that could be read as a
 * compact IRI (`example:x`, not `https://…`), e.g. `example` for `type="example:someSensorProperty"`.
 */
export function valueSchemes(root: Element): Set<string> {
  const schemes = new Set<string>();
  const add = (value: string | null): void => {
    const scheme = URI_SCHEME_OR_PREFIX.exec((value ?? '').trim())?.[1];
    if (scheme !== undefined) schemes.add(scheme);
  };
  const pending: Element[] = [root];
  for (let el = pending.pop(); el; el = pending.pop()) {
    for (const attr of dataAttributes(el)) add(attr.value);
    for (let node = el.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === node.ELEMENT_NODE) pending.push(node as Element);
      else if (node.nodeType === node.TEXT_NODE || node.nodeType === node.CDATA_SECTION_NODE)
        add(node.nodeValue);
    }
  }
  return schemes;
}

/** Attributes that carry data: namespace declarations and xsi:* (schemaLocation, type, nil) are binding machinery. */
export function dataAttributes(el: Element): Attr[] {
  const attrs: Attr[] = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const attr = el.attributes.item(i);
    if (!attr) continue;
    if (attr.namespaceURI === XMLNS_NS || attr.namespaceURI === XSI_NS) continue;
    if (attr.name === 'xmlns' || attr.name.startsWith('xmlns:')) continue;
    attrs.push(attr);
  }
  return attrs;
}
