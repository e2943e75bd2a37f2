import { Gs1Element, validateElement } from './element';
import { Gs1Error } from './errors';
import { DateOptions } from './dates';
import { decodeDigitalLinkValue, encodeDigitalLinkValue } from './uri-escaping';

/**
 * GS1 Digital Link URIs (GS1 Digital Link standard 1.x, uncompressed, numeric AIs):
 * `{scheme}://{domain}{/optional/path/prefix}/{primary key AI}/{value}{/qualifier AI/value…}?{AI}={value}&…`
 */
export const CANONICAL_DIGITAL_LINK_DOMAIN = 'https://id.gs1.org';

/** Primary keys and the ordered qualifier sequences each accepts (any in-order subset of one sequence). */
const KEY_QUALIFIERS: Record<string, readonly (readonly string[])[]> = {
  '00': [],
  '01': [['22', '10', '21'], ['235']],
  '253': [],
  '255': [],
  '401': [],
  '402': [],
  '414': [['254'], ['7040']],
  '415': [['8020']],
  '417': [['7040']],
  '8003': [],
  '8004': [['7040']],
  '8006': [['22', '10', '21']],
  '8010': [['8011']],
  '8013': [],
  '8017': [['8019']],
  '8018': [['8019']],
};

export function isDigitalLinkPrimaryKey(ai: string): boolean {
  return Object.hasOwn(KEY_QUALIFIERS, ai);
}

export interface ParsedDigitalLink {
  uri: string;
  /** Scheme and authority, e.g. `https://example.com`. */
  origin: string;
  /** Path segments before the primary key, e.g. `/some/prefix` (empty string when none). */
  pathPrefix: string;
  primaryKey: Gs1Element;
  qualifiers: Gs1Element[];
  /** Data attributes from the query string (AIs only). */
  attributes: Gs1Element[];
  /** Non-AI query parameters such as `linkType`, in order, decoded. */
  otherQueryParameters: [string, string][];
  /** Primary key, qualifiers, then attributes. */
  elements: Gs1Element[];
}

const URI_PARTS = /^(https?:\/\/[^/?#]+)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i;

/** True when `ais` is an in-order subset of one of the key's qualifier sequences. */
function qualifiersFit(keyAi: string, ais: string[]): boolean {
  if (ais.length === 0) return true;
  return KEY_QUALIFIERS[keyAi].some((sequence) => {
    let position = 0;
    for (const ai of ais) {
      const found = sequence.indexOf(ai, position);
      if (found < 0) return false;
      position = found + 1;
    }
    return true;
  });
}

/** Index of the primary key segment: the leftmost one from which the rest is key + valid qualifiers. */
function findPrimaryKeyIndex(segments: string[]): number {
  for (let i = 0; i < segments.length; i++) {
    if (!isDigitalLinkPrimaryKey(segments[i]) || (segments.length - i) % 2 !== 0) continue;
    const qualifierAis = segments.slice(i + 2).filter((_, index) => index % 2 === 0);
    if (qualifiersFit(segments[i], qualifierAis)) return i;
  }
  return -1;
}

function decodeValue(ai: string, raw: string, uri: string): string {
  if (raw.length === 0)
    throw new Gs1Error('SYNTAX', `Digital Link "${uri}": AI (${ai}) has an empty value`, ai);
  const value = decodeDigitalLinkValue(raw, `Digital Link "${uri}" AI (${ai})`);
  // GTIN-8, -12 and -13 are accepted in the path and normalised to GTIN-14 (GS1 Digital Link §4.6).
  return ai === '01' && /^([0-9]{8}|[0-9]{12}|[0-9]{13})$/.test(value) ? value.padStart(14, '0') : value;
}

/**
 * Parses a GS1 Digital Link URI with any domain and path prefix. Validates every AI value (length,
 * character set, check digit, date) and the key/qualifier structure.
 */
export function parseDigitalLink(uri: string, options: DateOptions = {}): ParsedDigitalLink {
  const match = URI_PARTS.exec(uri);
  if (!match) throw new Gs1Error('SYNTAX', `Digital Link "${uri}" is not an http(s) URI`);
  const [, origin, path, query] = match;
  const segments = path.replace(/\/+$/, '').split('/').slice(1);
  const keyIndex = findPrimaryKeyIndex(segments);
  if (keyIndex < 0) {
    throw new Gs1Error(
      'SYNTAX',
      `Digital Link "${uri}": the path does not end with a GS1 primary key and its qualifiers in the standard order`,
    );
  }
  const pathPrefix = keyIndex === 0 ? '' : `/${segments.slice(0, keyIndex).join('/')}`;
  const pathElements: Gs1Element[] = [];
  for (let i = keyIndex; i < segments.length; i += 2) {
    pathElements.push({ ai: segments[i], value: decodeValue(segments[i], segments[i + 1], uri) });
  }
  const { attributes, otherQueryParameters } = parseQuery(query ?? '', uri, pathElements);
  const elements = [...pathElements, ...attributes];
  elements.forEach((element) => validateElement(element, options));
  return {
    uri,
    origin,
    pathPrefix,
    primaryKey: pathElements[0],
    qualifiers: pathElements.slice(1),
    attributes,
    otherQueryParameters,
    elements,
  };
}

function parseQuery(
  query: string,
  uri: string,
  pathElements: Gs1Element[],
): Pick<ParsedDigitalLink, 'attributes' | 'otherQueryParameters'> {
  const attributes: Gs1Element[] = [];
  const otherQueryParameters: [string, string][] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    const rawValue = equals < 0 ? '' : pair.slice(equals + 1);
    if (!/^[0-9]+$/.test(key)) {
      otherQueryParameters.push([
        key,
        decodeDigitalLinkValue(rawValue, `Digital Link "${uri}" parameter ${key}`),
      ]);
      continue;
    }
    if ([...pathElements, ...attributes].some((element) => element.ai === key)) {
      throw new Gs1Error('SYNTAX', `Digital Link "${uri}": AI (${key}) appears more than once`, key);
    }
    attributes.push({ ai: key, value: decodeValue(key, rawValue, uri) });
  }
  return { attributes, otherQueryParameters };
}

export function isDigitalLink(s: string): boolean {
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    parseDigitalLink(s);
    return true;
  } catch {
    return false;
  }
}

export interface FormatDigitalLinkOptions {
  /** Scheme, domain and optional path prefix; defaults to `https://id.gs1.org`. */
  domain?: string;
  /** Put the non-key AIs in the query string (default true); false gives the bare key + qualifiers URI. */
  includeAttributes?: boolean;
}

/** The qualifier sequence of `keyAi` that covers the most of the AIs present. */
function bestQualifierSequence(keyAi: string, present: Set<string>): readonly string[] {
  let best: readonly string[] = [];
  for (const sequence of KEY_QUALIFIERS[keyAi]) {
    if (sequence.filter((ai) => present.has(ai)).length > best.filter((ai) => present.has(ai)).length)
      best = sequence;
  }
  return best;
}

/**
 * Formats GS1 elements as a Digital Link URI: the first primary key in `elements`, its qualifiers in the
 * standard order in the path, every other AI as a query-string data attribute (in input order).
 */
export function formatDigitalLink(
  elements: readonly Gs1Element[],
  options: FormatDigitalLinkOptions = {},
): string {
  elements.forEach((element) => validateElement(element));
  const key = elements.find((element) => isDigitalLinkPrimaryKey(element.ai));
  if (!key) {
    throw new Gs1Error(
      'UNSUPPORTED',
      `No GS1 Digital Link primary key among ${elements.map((e) => `(${e.ai})`).join('')}`,
    );
  }
  const present = new Set(elements.map((element) => element.ai));
  const qualifierAis = bestQualifierSequence(key.ai, present).filter((ai) => present.has(ai));
  const pathElements = [
    key,
    ...qualifierAis.map((ai) => elements.find((element) => element.ai === ai) as Gs1Element),
  ];
  const domain = (options.domain ?? CANONICAL_DIGITAL_LINK_DOMAIN).replace(/\/+$/, '');
  const path = pathElements.map((e) => `/${e.ai}/${encodeDigitalLinkValue(e.value)}`).join('');
  const attributes = elements.filter((element) => element !== key && !qualifierAis.includes(element.ai));
  const query = attributes.map((e) => `${e.ai}=${encodeDigitalLinkValue(e.value)}`).join('&');
  return options.includeAttributes === false || query === ''
    ? `${domain}${path}`
    : `${domain}${path}?${query}`;
}

/** The canonical form: `https://id.gs1.org`, GTIN-14, qualifiers in order, AI data attributes kept. */
export function canonicalDigitalLink(uri: string, options: DateOptions = {}): string {
  return formatDigitalLink(parseDigitalLink(uri, options).elements);
}
