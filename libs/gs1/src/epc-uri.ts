import { withCheckDigit } from './check-digit';
import {
  CompanyPrefixOptions,
  MAX_GCP_LENGTH,
  MIN_GCP_LENGTH,
  resolveCompanyPrefixLength,
} from './company-prefix';
import { Gs1Element, validateElement } from './element';
import { Gs1Error } from './errors';
import { escapeEpcComponent, unescapeEpcComponent } from './uri-escaping';

/**
 * EPC pure identity URIs (EPC Tag Data Standard 2.x §6): `urn:epc:id:<scheme>:…`, the class-level
 * `urn:epc:class:lgtin:…` and pure identity patterns `urn:epc:idpat:<scheme>:…` with `*` wildcards.
 */
export type EpcIdScheme =
  | 'sgtin'
  | 'sscc'
  | 'sgln'
  | 'grai'
  | 'giai'
  | 'gsrn'
  | 'gsrnp'
  | 'gdti'
  | 'cpi'
  | 'sgcn'
  | 'ginc'
  | 'gsin'
  | 'itip'
  | 'upui'
  | 'pgln';
export type EpcScheme = EpcIdScheme | 'lgtin';
export type EpcUriKind = 'id' | 'class' | 'idpat';

export interface ParsedEpcUri {
  uri: string;
  kind: EpcUriKind;
  scheme: EpcScheme;
  /** The GS1 Company Prefix, or `*` in a pattern that leaves it open. */
  companyPrefix: string;
  /** The components after the company prefix, %-decoded; `*` for a wildcard. */
  components: string[];
  /** The equivalent GS1 AIs (key first); empty for a pattern that does not fix a whole GS1 key. */
  elements: Gs1Element[];
}

/** A component after the company prefix: digits whose count is `total − gcpLength`, or a free-form value. */
type ComponentSpec =
  | { kind: 'digits'; total: number; name: string }
  | { kind: 'fixedDigits'; length: number; name: string }
  | { kind: 'text'; charset: 'X' | 'Y'; name: string }
  | { kind: 'number'; name: string };

const SCHEMES: Record<EpcScheme, ComponentSpec[]> = {
  sgtin: [
    { kind: 'digits', total: 13, name: 'indicator and item reference' },
    { kind: 'text', charset: 'X', name: 'serial' },
  ],
  lgtin: [
    { kind: 'digits', total: 13, name: 'indicator and item reference' },
    { kind: 'text', charset: 'X', name: 'lot' },
  ],
  sscc: [{ kind: 'digits', total: 17, name: 'serial reference' }],
  sgln: [
    { kind: 'digits', total: 12, name: 'location reference' },
    { kind: 'text', charset: 'X', name: 'extension' },
  ],
  grai: [
    { kind: 'digits', total: 12, name: 'asset type' },
    { kind: 'text', charset: 'X', name: 'serial' },
  ],
  giai: [{ kind: 'text', charset: 'X', name: 'individual asset reference' }],
  gsrn: [{ kind: 'digits', total: 17, name: 'service reference' }],
  gsrnp: [{ kind: 'digits', total: 17, name: 'service reference' }],
  gdti: [
    { kind: 'digits', total: 12, name: 'document type' },
    { kind: 'text', charset: 'X', name: 'serial' },
  ],
  cpi: [
    { kind: 'text', charset: 'Y', name: 'component/part reference' },
    { kind: 'number', name: 'serial' },
  ],
  sgcn: [
    { kind: 'digits', total: 12, name: 'coupon reference' },
    { kind: 'number', name: 'serial' },
  ],
  ginc: [{ kind: 'text', charset: 'X', name: 'consignment reference' }],
  gsin: [{ kind: 'digits', total: 16, name: 'shipper reference' }],
  itip: [
    { kind: 'digits', total: 13, name: 'indicator and item reference' },
    { kind: 'fixedDigits', length: 2, name: 'piece number' },
    { kind: 'fixedDigits', length: 2, name: 'total count' },
    { kind: 'text', charset: 'X', name: 'serial' },
  ],
  upui: [
    { kind: 'digits', total: 13, name: 'indicator and item reference' },
    { kind: 'text', charset: 'X', name: 'TPX' },
  ],
  pgln: [{ kind: 'digits', total: 12, name: 'party reference' }],
};

const EPC_URI = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/;

/** The components of each scheme, looked up by the scheme name as it appears in a URI. */
const SCHEME_COMPONENTS: ReadonlyMap<string, ComponentSpec[]> = new Map(Object.entries(SCHEMES));

export function isEpcScheme(scheme: string): scheme is EpcScheme {
  return SCHEME_COMPONENTS.has(scheme);
}

/** Splits on the first `count − 1` dots: only the last component may contain dots. */
function splitComponents(body: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let rest = body;
  for (let i = 1; i < count; i++) {
    const dot = rest.indexOf('.');
    if (dot < 0) return undefined;
    parts.push(rest.slice(0, dot));
    rest = rest.slice(dot + 1);
  }
  parts.push(rest);
  return parts;
}

function syntaxError(uri: string, detail: string): Gs1Error {
  return new Gs1Error('SYNTAX', `EPC URI "${uri}": ${detail}`);
}

const DIGITS = /^[0-9]*$/;

function isDigitsOfLength(raw: string, length: number): boolean {
  return raw.length === length && DIGITS.test(raw);
}

function decodeComponent(uri: string, spec: ComponentSpec, raw: string, gcpLength: number): string {
  switch (spec.kind) {
    case 'digits': {
      const length = spec.total - gcpLength;
      if (!isDigitsOfLength(raw, length)) {
        throw new Gs1Error(
          'LENGTH',
          `EPC URI "${uri}": ${spec.name} "${raw}" must be ${length} digits with a ${gcpLength}-digit company prefix`,
        );
      }
      return raw;
    }
    case 'fixedDigits':
      if (!isDigitsOfLength(raw, spec.length)) {
        throw new Gs1Error('LENGTH', `EPC URI "${uri}": ${spec.name} "${raw}" must be ${spec.length} digits`);
      }
      return raw;
    case 'number':
      if (!/^[0-9]+$/.test(raw))
        throw new Gs1Error('CHARSET', `EPC URI "${uri}": ${spec.name} "${raw}" must be digits`);
      return raw;
    case 'text': {
      if (raw.length === 0) throw syntaxError(uri, `${spec.name} is empty`);
      return unescapeEpcComponent(raw, spec.charset, `EPC URI "${uri}" ${spec.name}`);
    }
  }
}

/** GTIN-14 from company prefix and "indicator digit + item reference". */
function gtinFrom(companyPrefix: string, indicatorAndItem: string): string {
  return withCheckDigit(indicatorAndItem[0] + companyPrefix + indicatorAndItem.slice(1));
}

/** The GS1 elements equivalent to a fully specified EPC (all components known). */
function elementsOf(scheme: EpcScheme, gcp: string, c: string[]): Gs1Element[] {
  switch (scheme) {
    case 'sgtin':
      return [
        { ai: '01', value: gtinFrom(gcp, c[0]) },
        { ai: '21', value: c[1] },
      ];
    case 'lgtin':
      return [
        { ai: '01', value: gtinFrom(gcp, c[0]) },
        { ai: '10', value: c[1] },
      ];
    case 'sscc':
      return [{ ai: '00', value: withCheckDigit(c[0][0] + gcp + c[0].slice(1)) }];
    case 'sgln': {
      const gln = { ai: '414', value: withCheckDigit(gcp + c[0]) };
      return c[1] === '0' ? [gln] : [gln, { ai: '254', value: c[1] }];
    }
    case 'grai':
      return [{ ai: '8003', value: withCheckDigit('0' + gcp + c[0]) + c[1] }];
    case 'giai':
      return [{ ai: '8004', value: gcp + c[0] }];
    case 'gsrn':
      return [{ ai: '8018', value: withCheckDigit(gcp + c[0]) }];
    case 'gsrnp':
      return [{ ai: '8017', value: withCheckDigit(gcp + c[0]) }];
    case 'gdti':
      return [{ ai: '253', value: withCheckDigit(gcp + c[0]) + c[1] }];
    case 'cpi':
      return [
        { ai: '8010', value: gcp + c[0] },
        { ai: '8011', value: c[1] },
      ];
    case 'sgcn':
      return [{ ai: '255', value: withCheckDigit(gcp + c[0]) + c[1] }];
    case 'ginc':
      return [{ ai: '401', value: gcp + c[0] }];
    case 'gsin':
      return [{ ai: '402', value: withCheckDigit(gcp + c[0]) }];
    case 'itip':
      return [
        { ai: '8006', value: gtinFrom(gcp, c[0]) + c[1] + c[2] },
        { ai: '21', value: c[3] },
      ];
    case 'upui':
      return [
        { ai: '01', value: gtinFrom(gcp, c[0]) },
        { ai: '235', value: c[1] },
      ];
    case 'pgln':
      return [{ ai: '417', value: withCheckDigit(gcp + c[0]) }];
  }
}

/**
 * For patterns whose only wildcard is the serial: the GS1 key without serial, where one exists (EPC TDS 2.x
 * pattern URIs; CBV 2.0 event hash: sgtin and upui → GTIN, cpi → CPID, grai/gdti/sgcn → key without serial,
 * itip → ITIP).
 */
function patternElements(scheme: EpcScheme, gcp: string, c: string[]): Gs1Element[] {
  const known = c.slice(0, -1);
  if (gcp === '*' || known.includes('*') || c[c.length - 1] !== '*') return [];
  switch (scheme) {
    case 'sgtin':
    case 'upui':
      return [{ ai: '01', value: gtinFrom(gcp, c[0]) }];
    case 'cpi':
      return [{ ai: '8010', value: gcp + c[0] }];
    case 'grai':
      return [{ ai: '8003', value: withCheckDigit('0' + gcp + c[0]) }];
    case 'gdti':
      return [{ ai: '253', value: withCheckDigit(gcp + c[0]) }];
    case 'sgcn':
      return [{ ai: '255', value: withCheckDigit(gcp + c[0]) }];
    case 'itip':
      return [{ ai: '8006', value: gtinFrom(gcp, c[0]) + c[1] + c[2] }];
    default:
      return [];
  }
}

/**
 * Parses an EPC pure identity URI, lgtin class URI or idpat pattern and returns its parts and its GS1
 * element equivalent. Throws a Gs1Error (SYNTAX, LENGTH, CHARSET, UNSUPPORTED) when it is not valid.
 */
export function parseEpcUri(uri: string): ParsedEpcUri {
  const match = EPC_URI.exec(uri);
  if (!match) throw syntaxError(uri, 'expected urn:epc:id:…, urn:epc:class:lgtin:… or urn:epc:idpat:…');
  const kind = match[1] as EpcUriKind;
  const schemeText = match[2];
  const specs = SCHEME_COMPONENTS.get(schemeText);
  if (specs === undefined)
    throw new Gs1Error('UNSUPPORTED', `EPC URI "${uri}": scheme "${schemeText}" is not supported`);
  const scheme = schemeText as EpcScheme; // a key of SCHEMES
  if ((kind === 'class') !== (scheme === 'lgtin')) {
    throw syntaxError(
      uri,
      kind === 'class' ? `urn:epc:class: supports lgtin only` : `lgtin is a class URI (urn:epc:class:lgtin:)`,
    );
  }
  const parts = splitComponents(match[3], specs.length + 1);
  if (!parts) throw syntaxError(uri, `${scheme} has ${specs.length + 1} dot-separated components`);
  const companyPrefix = parts[0];
  const raw = parts.slice(1);

  if (kind === 'idpat') return parsePattern(uri, scheme, companyPrefix, raw, specs);

  const gcpLength = checkCompanyPrefix(uri, companyPrefix);
  const components = specs.map((spec, i) => decodeComponent(uri, spec, raw[i], gcpLength));
  const elements = elementsOf(scheme, companyPrefix, components);
  for (const element of elements) validateElement(element);
  return { uri, kind, scheme, companyPrefix, components, elements };
}

function checkCompanyPrefix(uri: string, companyPrefix: string): number {
  if (
    !/^[0-9]+$/.test(companyPrefix) ||
    companyPrefix.length < MIN_GCP_LENGTH ||
    companyPrefix.length > MAX_GCP_LENGTH
  ) {
    throw new Gs1Error(
      'LENGTH',
      `EPC URI "${uri}": company prefix "${companyPrefix}" must be ${MIN_GCP_LENGTH}-${MAX_GCP_LENGTH} digits`,
    );
  }
  return companyPrefix.length;
}

/** Patterns: once a component is `*`, every later one must be `*` too (EPC TDS §6.5 / §8). */
function parsePattern(
  uri: string,
  scheme: EpcScheme,
  companyPrefix: string,
  raw: string[],
  specs: ComponentSpec[],
): ParsedEpcUri {
  const all = [companyPrefix, ...raw];
  const firstWildcard = all.indexOf('*');
  if (firstWildcard >= 0 && all.slice(firstWildcard).some((part) => part !== '*')) {
    throw syntaxError(uri, 'after a "*" every later component must be "*"');
  }
  let components: string[];
  if (companyPrefix === '*') {
    components = raw;
  } else {
    const gcpLength = checkCompanyPrefix(uri, companyPrefix);
    components = specs.map((spec, i) =>
      raw[i] === '*' ? '*' : decodeComponent(uri, spec, raw[i], gcpLength),
    );
  }
  const elements = patternElements(scheme, companyPrefix, components);
  elements.forEach((element) => validateElement(element));
  return { uri, kind: 'idpat', scheme, companyPrefix, components, elements };
}

export function isEpcUri(s: string): boolean {
  if (!EPC_URI.test(s)) return false;
  try {
    parseEpcUri(s);
    return true;
  } catch {
    return false;
  }
}

/** Builds an EPC URI from its parts, %-escaping the free-text components (TDS GS3A3 / CPI rules). */
export function buildEpcUri(
  kind: EpcUriKind,
  scheme: EpcScheme,
  companyPrefix: string,
  components: string[],
): string {
  const escaped = components.map((component) =>
    component === '*' && kind === 'idpat' ? '*' : escapeEpcComponent(component),
  );
  return `urn:epc:${kind}:${scheme}:${[companyPrefix, ...escaped].join('.')}`;
}

function valueOf(elements: readonly Gs1Element[], ai: string): string | undefined {
  return elements.find((element) => element.ai === ai)?.value;
}

/** Company prefix and "indicator + item reference" of a GTIN-14 (the indicator moves to the item reference). */
function splitGtin(gtin: string, gcpLength: number): [string, string] {
  return [gtin.slice(1, 1 + gcpLength), gtin[0] + gtin.slice(1 + gcpLength, 13)];
}

/**
 * The EPC pure identity URI (`urn:epc:id:…`) for GS1 elements that hold a serialised key: 00, 01+21, 01+235,
 * 414(+254), 417, 8003 with serial, 8004, 8017, 8018, 253 with serial, 255 with serial, 401, 402, 8006+21,
 * 8010+8011. The first such key in `elements` wins. Needs the GS1 Company Prefix length (`options`).
 */
export function elementsToEpcUri(
  elements: readonly Gs1Element[],
  options: CompanyPrefixOptions = {},
): string {
  for (const { ai, value } of elements) {
    const built = epcIdForKey(ai, value, elements, options);
    if (built !== undefined) return built;
  }
  throw new Gs1Error(
    'UNSUPPORTED',
    `No EPC pure identity URI for ${elements.map((e) => `(${e.ai})`).join('')}: it needs a serialised GS1 key ` +
      '(e.g. (01)+(21), (00), (414), (8003) with serial)',
  );
}

function epcIdForKey(
  ai: string,
  value: string,
  elements: readonly Gs1Element[],
  options: CompanyPrefixOptions,
): string | undefined {
  const gcpLength = (): number => resolveCompanyPrefixLength(ai, value, options);
  const withPrefix = (scheme: EpcIdScheme, ...rest: string[]): string =>
    buildEpcUri('id', scheme, value.slice(0, gcpLength()), rest);
  switch (ai) {
    case '00': {
      const l = gcpLength();
      return buildEpcUri('id', 'sscc', value.slice(1, 1 + l), [value[0] + value.slice(1 + l, 17)]);
    }
    case '01': {
      const serial = valueOf(elements, '21');
      const tpx = valueOf(elements, '235');
      if (serial === undefined && tpx === undefined) return undefined;
      const [gcp, item] = splitGtin(value, gcpLength());
      return serial !== undefined
        ? buildEpcUri('id', 'sgtin', gcp, [item, serial])
        : buildEpcUri('id', 'upui', gcp, [item, tpx ?? '']);
    }
    case '8006': {
      const serial = valueOf(elements, '21');
      if (serial === undefined) return undefined;
      const [gcp, item] = splitGtin(value.slice(0, 14), gcpLength());
      return buildEpcUri('id', 'itip', gcp, [item, value.slice(14, 16), value.slice(16, 18), serial]);
    }
    case '414':
      return withPrefix('sgln', value.slice(gcpLength(), 12), valueOf(elements, '254') ?? '0');
    case '417':
      return withPrefix('pgln', value.slice(gcpLength(), 12));
    case '8003': {
      if (value.length === 14) return undefined;
      const l = gcpLength();
      return buildEpcUri('id', 'grai', value.slice(1, 1 + l), [value.slice(1 + l, 13), value.slice(14)]);
    }
    case '8004':
      return withPrefix('giai', value.slice(gcpLength()));
    case '8017':
      return withPrefix('gsrnp', value.slice(gcpLength(), 17));
    case '8018':
      return withPrefix('gsrn', value.slice(gcpLength(), 17));
    case '253':
      return value.length === 13
        ? undefined
        : withPrefix('gdti', value.slice(gcpLength(), 12), value.slice(13));
    case '255':
      return value.length === 13
        ? undefined
        : withPrefix('sgcn', value.slice(gcpLength(), 12), value.slice(13));
    case '401':
      return withPrefix('ginc', value.slice(gcpLength()));
    case '402':
      return withPrefix('gsin', value.slice(gcpLength(), 16));
    case '8010': {
      const serial = valueOf(elements, '8011');
      return serial === undefined ? undefined : withPrefix('cpi', value.slice(gcpLength()), serial);
    }
    default:
      return undefined;
  }
}

/** `urn:epc:class:lgtin:…` for elements holding (01) GTIN and (10) lot, or undefined when either is missing. */
export function elementsToEpcClassUri(
  elements: readonly Gs1Element[],
  options: CompanyPrefixOptions = {},
): string | undefined {
  const gtin = valueOf(elements, '01');
  const lot = valueOf(elements, '10');
  if (gtin === undefined || lot === undefined) return undefined;
  const [gcp, item] = splitGtin(gtin, resolveCompanyPrefixLength('01', gtin, options));
  return buildEpcUri('class', 'lgtin', gcp, [item, lot]);
}

/** `urn:epc:idpat:sgtin:{gcp}.{item}.*` (all instances of a GTIN), or undefined without (01). */
export function elementsToEpcPatternUri(
  elements: readonly Gs1Element[],
  options: CompanyPrefixOptions = {},
): string | undefined {
  const gtin = valueOf(elements, '01');
  if (gtin === undefined) return undefined;
  const [gcp, item] = splitGtin(gtin, resolveCompanyPrefixLength('01', gtin, options));
  return buildEpcUri('idpat', 'sgtin', gcp, [item, '*']);
}
