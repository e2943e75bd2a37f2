import { lookupAi } from './ai-table';
import { DateOptions } from './dates';
import { Gs1Element, validateElement } from './element';
import { checkElementCombinations } from './element-string';
import { Gs1Error } from './errors';
import { decodeDigitalLinkValue, encodeDigitalLinkValue } from './uri-escaping';

/**
 * GS1 Digital Link URIs (GS1 Digital Link Standard: URI Syntax 1.2 and later, uncompressed, numeric AIs):
 * `{scheme}://{host}{/optional/path/prefix}/{primary key AI}/{value}{/qualifier AI/value…}?{AI}={value}&…`
 *
 * The parser follows the standard's ABNF and the behaviour of GS1's own syntax engine (gs1-syntax-engine). Sloppy
 * scanned or typed input is read only when the caller asks for it with `{ lenient: true }`.
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

/**
 * AIs that are never data attributes in the query string: key qualifiers that only have a meaning after their primary
 * key in the path, and (03), which has no Digital Link form. Batch/lot (10) is the one key qualifier that is also a data
 * attribute, e.g. of an SSCC or beside the (235) qualifier of a GTIN (as in GS1's syntax dictionary).
 */
const NOT_DATA_ATTRIBUTES: ReadonlySet<string> = new Set([
  '03',
  '21',
  '22',
  '235',
  '254',
  '7040',
  '8011',
  '8019',
  '8020',
]);

export function isDigitalLinkPrimaryKey(ai: string): boolean {
  return Object.hasOwn(KEY_QUALIFIERS, ai);
}

export interface DigitalLinkParseOptions extends DateOptions {
  /**
   * Read sloppy scanned or typed input (default false, and only for callers that take codes from people or scanners):
   * a scheme in any case (`Https://`), a trailing `/` after the last path element, and a zero-suppressed GTIN-8, -12
   * or -13 as the value of (01), padded to GTIN-14 (the "legacy expression" the standard asks existing infrastructure
   * to keep reading). Everything else stays as strict as without the option.
   */
  lenient?: boolean;
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

/** RFC 3986 §2: the characters a URI may hold literally (unreserved, reserved, and `%` of a percent-encoding). */
const URI_CHARACTER = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;
const STRICT_SCHEMES = new Set(['http', 'https', 'HTTP', 'HTTPS']);
const SCHEME_AND_REST = /^(https?):\/\/(.*)$/is;
/** What the engine and RFC 3986 allow in a registered name or IPv4 address (no percent-encoding, no sub-delims). */
const HOST_NAME = /^[A-Za-z0-9.-]+$/;
const IPV6_LITERAL = /^\[[0-9A-Fa-f:.]+\]$/;
const ZERO_SUPPRESSED_GTIN = /^([0-9]{8}|[0-9]{12}|[0-9]{13})$/;

class DigitalLinkReader {
  constructor(
    readonly uri: string,
    readonly lenient: boolean,
  ) {}

  fail(code: 'SYNTAX' | 'UNKNOWN_AI' | 'LENGTH', reason: string, ai?: string): never {
    throw new Gs1Error(code, `Digital Link "${this.uri}": ${reason}`, ai);
  }
}

function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code < 0x20 || code === 0x7f ? hex : `"${ch}" (${hex})`;
}

/** RFC 3986 §2: every character outside the URI character set must be percent-encoded. */
function checkUriCharacters(reader: DigitalLinkReader): void {
  const bad = [...reader.uri].find((ch) => !URI_CHARACTER.test(ch));
  if (bad !== undefined) {
    reader.fail(
      'SYNTAX',
      `${describeCharacter(bad)} cannot appear in a URI and must be percent-encoded (RFC 3986 §2)`,
    );
  }
}

/**
 * The scheme is `http` or `https` (GS1 DL URI Syntax ABNF); GS1's syntax engine also reads them all in upper case, as
 * QR Code alphanumeric mode carries them, but never in mixed case.
 */
function checkScheme(reader: DigitalLinkReader, scheme: string): void {
  if (reader.lenient || STRICT_SCHEMES.has(scheme)) return;
  reader.fail(
    'SYNTAX',
    `the scheme "${scheme}" must be "http" or "https" (or all upper case "HTTP", "HTTPS"), not in mixed case`,
  );
}

/**
 * RFC 3986 §3.2 host, as GS1's syntax engine reads it: a registered name or IPv4 address of letters, digits, "-" and
 * "."; or an IPv6 address in brackets without a zone identifier (RFC 6874 zone ids only mean something on the machine
 * that sends the request); then an optional port of digits. No user information.
 */
function checkAuthority(reader: DigitalLinkReader, authority: string): void {
  if (authority.includes('@'))
    reader.fail('SYNTAX', `user information ("${authority}") is not allowed before the host`);
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/.exec(authority);
  const host = match?.[1] ?? '';
  if (host === '') reader.fail('SYNTAX', 'the URI has no host');
  if (host.startsWith('[')) {
    if (host.includes('%'))
      reader.fail('SYNTAX', `the IPv6 address ${host} has a zone identifier, which is not allowed`);
    if (!IPV6_LITERAL.test(host) || !host.includes(':'))
      reader.fail('SYNTAX', `the host ${host} is not an IPv6 address`);
  } else if (!HOST_NAME.test(host)) {
    reader.fail(
      'SYNTAX',
      `the host "${host}" may hold only letters, digits, "-" and "." (or be an IPv6 address in brackets)`,
    );
  }
  const port = match?.[2];
  if (port !== undefined && !/^[0-9]*$/.test(port))
    reader.fail('SYNTAX', `the port "${port}" is not a number`);
}

/** True when `ais` is an in-order subset of one of the key's qualifier sequences. */
function qualifiersFit(keyAi: string, ais: readonly string[]): boolean {
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

/** AIs at the AI positions (every other segment) of `segments`. */
function aisAt(segments: readonly string[]): string[] {
  return segments.filter((_, index) => index % 2 === 0);
}

/** Index of the primary key segment: the leftmost one from which the rest is key + valid qualifiers. */
function findPrimaryKeyIndex(segments: readonly string[]): number {
  for (let i = 0; i < segments.length; i++) {
    if (!isDigitalLinkPrimaryKey(segments[i]) || (segments.length - i) % 2 !== 0) continue;
    if (qualifiersFit(segments[i], aisAt(segments.slice(i + 2)))) return i;
  }
  return -1;
}

function qualifierOrders(keyAi: string): string {
  return KEY_QUALIFIERS[keyAi].map((sequence) => sequence.map((ai) => `/${ai}`).join('')).join(' or ');
}

/** Why no segment of the path starts a primary key with valid qualifiers (GS1 DL URI Syntax ABNF, path element order). */
function pathProblem(segments: readonly string[]): string {
  for (let i = segments.length - 2; i >= 0; i -= 2) {
    const keyAi = segments[i];
    if (!isDigitalLinkPrimaryKey(keyAi)) continue;
    const qualifierAis = aisAt(segments.slice(i + 2));
    if (KEY_QUALIFIERS[keyAi].length === 0)
      return `the primary key (${keyAi}) takes no key qualifiers, but the path goes on with (${qualifierAis[0]})`;
    const foreign = qualifierAis.find(
      (ai) => !KEY_QUALIFIERS[keyAi].some((sequence) => sequence.includes(ai)),
    );
    if (foreign !== undefined)
      return `(${foreign}) is not a key qualifier of (${keyAi}), whose qualifiers are ${qualifierOrders(keyAi)}`;
    return `the key qualifiers ${qualifierAis.map((ai) => `(${ai})`).join('')} of (${keyAi}) are not in the order ${qualifierOrders(keyAi)} (each at most once)`;
  }
  return 'the path holds no GS1 primary key AI followed by its value';
}

function decodeValue(reader: DigitalLinkReader, ai: string, raw: string, place: 'path' | 'query'): string {
  if (raw.length === 0) reader.fail('SYNTAX', `AI (${ai}) has an empty value`, ai);
  // In the query string "+" stands for a space (form encoding), as GS1's syntax engine reads it; in the path it is "+".
  const encoded = place === 'query' ? raw.replaceAll('+', '%20') : raw;
  const value = decodeDigitalLinkValue(encoded, `Digital Link "${reader.uri}" AI (${ai})`);
  if (ai !== '01' || !ZERO_SUPPRESSED_GTIN.test(value)) return value;
  if (reader.lenient) return value.padStart(14, '0');
  return reader.fail(
    'LENGTH',
    `the GTIN (01) must have 14 digits; a GTIN-${value.length} is written with leading zeros as ${value.padStart(14, '0')} (GS1 DL URI Syntax: gtin-value = 14DIGIT)`,
    ai,
  );
}

interface UriParts {
  origin: string;
  path: string;
  query: string;
}

function splitUri(reader: DigitalLinkReader): UriParts {
  const { uri } = reader;
  const match = SCHEME_AND_REST.exec(uri);
  if (!match) throw new Gs1Error('SYNTAX', `Digital Link "${uri}" is not an http(s) URI`);
  checkUriCharacters(reader);
  const [, scheme, rest] = match;
  checkScheme(reader, scheme);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  checkAuthority(reader, authority);
  const afterAuthority = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
  const withoutFragment = afterAuthority.split('#', 1)[0];
  const queryStart = withoutFragment.indexOf('?');
  const path = queryStart < 0 ? withoutFragment : withoutFragment.slice(0, queryStart);
  const query = queryStart < 0 ? '' : withoutFragment.slice(queryStart + 1);
  return { origin: `${scheme}://${authority}`, path, query };
}

function readPath(
  reader: DigitalLinkReader,
  rawPath: string,
): { pathPrefix: string; elements: Gs1Element[] } {
  let path = rawPath;
  if (path.length > 1 && path.endsWith('/')) {
    if (!reader.lenient)
      reader.fail('SYNTAX', 'the path ends with "/"; nothing may follow the value of the last path element');
    path = path.replace(/\/+$/, '');
  }
  const segments = path.split('/').slice(1);
  const keyIndex = findPrimaryKeyIndex(segments);
  if (keyIndex < 0) reader.fail('SYNTAX', pathProblem(segments));
  const pathPrefix = keyIndex === 0 ? '' : `/${segments.slice(0, keyIndex).join('/')}`;
  const elements: Gs1Element[] = [];
  for (let i = keyIndex; i < segments.length; i += 2) {
    elements.push({ ai: segments[i], value: decodeValue(reader, segments[i], segments[i + 1], 'path') });
  }
  return { pathPrefix, elements };
}

/** The key qualifier sequence the path would form with `ai` inserted somewhere after the key, if it is a valid one. */
function belongsInPath(pathElements: readonly Gs1Element[], ai: string): boolean {
  const keyAi = pathElements[0].ai;
  const qualifierAis = pathElements.slice(1).map((element) => element.ai);
  for (let position = 0; position <= qualifierAis.length; position++) {
    const candidate = [...qualifierAis.slice(0, position), ai, ...qualifierAis.slice(position)];
    if (qualifiersFit(keyAi, candidate)) return true;
  }
  return false;
}

/**
 * GS1 DL URI Syntax, data attributes and extension mechanism: data attributes are `AI=value` pairs in the query
 * string; all-numeric keys are reserved for AIs, so a numeric key must be a known AI with a value; other keys
 * (`linkType`, `context`, …) are extensions and are kept. Key qualifiers that fit the path are not data attributes.
 */
function readQuery(
  reader: DigitalLinkReader,
  query: string,
  pathElements: readonly Gs1Element[],
): Pick<ParsedDigitalLink, 'attributes' | 'otherQueryParameters'> {
  const attributes: Gs1Element[] = [];
  const otherQueryParameters: [string, string][] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    const rawValue = equals < 0 ? '' : pair.slice(equals + 1);
    if (!/^[0-9]+$/.test(key)) {
      const context = `Digital Link "${reader.uri}" parameter ${key}`;
      otherQueryParameters.push([key, decodeDigitalLinkValue(rawValue.replaceAll('+', '%20'), context)]);
      continue;
    }
    if (lookupAi(key) === undefined) {
      reader.fail(
        'UNKNOWN_AI',
        `the query string holds (${key}), which is no known GS1 Application Identifier; all-numeric keys are reserved for AIs`,
        key,
      );
    }
    if (equals < 0) reader.fail('SYNTAX', `AI (${key}) in the query string has no "=value"`, key);
    if ([...pathElements, ...attributes].some((element) => element.ai === key))
      reader.fail('SYNTAX', `AI (${key}) appears more than once`, key);
    if (belongsInPath(pathElements, key)) {
      reader.fail(
        'SYNTAX',
        `AI (${key}) is a key qualifier of (${pathElements[0].ai}) and must be in the path in the order ${qualifierOrders(pathElements[0].ai)}, not in the query string`,
        key,
      );
    }
    if (NOT_DATA_ATTRIBUTES.has(key)) {
      reader.fail(
        'SYNTAX',
        `AI (${key}) is not a data attribute: it is a key qualifier and only stands in the path after its primary key`,
        key,
      );
    }
    attributes.push({ ai: key, value: decodeValue(reader, key, rawValue, 'query') });
  }
  return { attributes, otherQueryParameters };
}

/**
 * Parses a GS1 Digital Link URI with any host and path prefix, to the GS1 Digital Link URI Syntax standard: URI
 * characters, scheme, host, primary key and key qualifiers in the path in the standard order, data attributes as known
 * AIs in the query string, every AI value valid (length, character set, check digit, date) and the AIs valid together.
 * `options.lenient` reads sloppy scanned or typed input (see {@link DigitalLinkParseOptions}).
 */
export function parseDigitalLink(uri: string, options: DigitalLinkParseOptions = {}): ParsedDigitalLink {
  const reader = new DigitalLinkReader(uri, options.lenient === true);
  const { origin, path, query } = splitUri(reader);
  const { pathPrefix, elements: pathElements } = readPath(reader, path);
  const { attributes, otherQueryParameters } = readQuery(reader, query, pathElements);
  const elements = [...pathElements, ...attributes];
  elements.forEach((element) => validateElement(element, options));
  checkElementCombinations(
    elements,
    pathElements.slice(1).map((element) => element.ai),
  );
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

/** Whether `s` is a GS1 Digital Link URI as the standard writes it (no leniency). */
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

/**
 * The qualifier sequence of `keyAi` for the AIs present: first the one that leaves no AI in the query string that may
 * not be a data attribute, then the one that covers the most.
 */
function bestQualifierSequence(keyAi: string, present: Set<string>): readonly string[] {
  const score = (sequence: readonly string[]): [number, number] => {
    const covered = sequence.filter((ai) => present.has(ai));
    return [covered.filter((ai) => NOT_DATA_ATTRIBUTES.has(ai)).length, covered.length];
  };
  let best: readonly string[] = [];
  for (const sequence of KEY_QUALIFIERS[keyAi]) {
    const [qualifiersOnly, covered] = score(sequence);
    const [bestQualifiersOnly, bestCovered] = score(best);
    if (
      qualifiersOnly > bestQualifiersOnly ||
      (qualifiersOnly === bestQualifiersOnly && covered > bestCovered)
    )
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
export function canonicalDigitalLink(uri: string, options: DigitalLinkParseOptions = {}): string {
  return formatDigitalLink(parseDigitalLink(uri, options).elements);
}
