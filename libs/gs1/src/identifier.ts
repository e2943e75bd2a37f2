import { lookupAi } from './ai-table';
import { CompanyPrefixOptions } from './company-prefix';
import { DateOptions, parseYymmdd } from './dates';
import {
  DigitalLinkParseOptions,
  formatDigitalLink,
  isDigitalLinkPrimaryKey,
  parseDigitalLink,
} from './digital-link';
import { Gs1Element, aiTitle } from './element';
import { formatElementString, parseElementString } from './element-string';
import { elementsToEpcClassUri, elementsToEpcPatternUri, elementsToEpcUri, parseEpcUri } from './epc-uri';
import { Gs1Error } from './errors';

/**
 * One entry point for "what is this identifier?": detects an EPC URI, a GS1 Digital Link URI, a bracketed
 * or raw element string, or a bare GTIN / SSCC, and returns every representation as plain JSON.
 */
export type IdentifierForm =
  'epc-uri' | 'digital-link' | 'element-string-bracketed' | 'element-string-raw' | 'gtin' | 'sscc';

/** `lenient` reads a sloppy scanned or typed Digital Link (see {@link DigitalLinkParseOptions}); other forms are unaffected. */
export interface ParseAnyIdentifierOptions extends CompanyPrefixOptions, DigitalLinkParseOptions {
  /** Domain (and path prefix) for the Digital Link output; default `https://id.gs1.org`. */
  digitalLinkDomain?: string;
}

export interface IdentifierElement {
  ai: string;
  title: string;
  value: string;
}

export interface IdentifierDescription {
  input: string;
  detectedForm: IdentifierForm;
  elements: IdentifierElement[];
  /** The GS1 primary key (first Digital Link primary key among the elements). */
  primaryKey?: IdentifierElement;
  /** GS1 Company Prefix, when known (always for EPC URI input). */
  companyPrefix?: string;
  /** `urn:epc:id:…` when the elements hold a serialised key. */
  epcUri?: string;
  /** `urn:epc:class:lgtin:…` when a GTIN and a lot are present. */
  epcClassUri?: string;
  /** `urn:epc:idpat:sgtin:….*` when a GTIN is present. */
  epcPatternUri?: string;
  /** Why the EPC forms could not be given (e.g. the company-prefix length is unknown). */
  epcError?: { code: string; message: string };
  /** Canonical Digital Link with the non-key AIs as query attributes. */
  digitalLink?: string;
  /** Canonical Digital Link of the key and its qualifiers only (as EPCIS uses it). */
  digitalLinkKey?: string;
  elementString: string;
  rawElementString: string;
  /** Expiry date (AI 17, or the date of AI 7003) as ISO 8601. */
  expiry?: string;
  /** Every date AI resolved to ISO 8601 (DD=00 → last day of the month, century per GS1 §7.12). */
  dates?: Record<string, string>;
}

function detect(input: string): IdentifierForm {
  if (input.startsWith('urn:epc:')) return 'epc-uri';
  if (/^https?:\/\//i.test(input)) return 'digital-link';
  if (input.startsWith('(')) return 'element-string-bracketed';
  if (/^([0-9]{8}|[0-9]{12,14})$/.test(input)) return 'gtin';
  if (/^[0-9]{18}$/.test(input)) return 'sscc';
  return 'element-string-raw';
}

interface ParsedInput {
  form: IdentifierForm;
  elements: Gs1Element[];
  companyPrefix?: string;
}

function elementsOf(form: IdentifierForm, input: string, options: DigitalLinkParseOptions): ParsedInput {
  switch (form) {
    case 'epc-uri': {
      const parsed = parseEpcUri(input);
      if (parsed.elements.length === 0) {
        throw new Gs1Error('UNSUPPORTED', `EPC pattern "${input}" does not identify a whole GS1 key`);
      }
      return { form, elements: parsed.elements, companyPrefix: parsed.companyPrefix };
    }
    case 'digital-link':
      return { form, elements: parseDigitalLink(input, options).elements };
    case 'gtin':
    case 'sscc':
      return bareKeyOrRawElementString(form, input, options);
    default:
      return { form, elements: parseElementString(input, options).elements };
  }
}

/** A bare GTIN / SSCC; digits that are not one may still be a raw element string such as `17261231`. */
function bareKeyOrRawElementString(form: 'gtin' | 'sscc', input: string, options: DateOptions): ParsedInput {
  const bracketed = form === 'gtin' ? `(01)${input.padStart(14, '0')}` : `(00)${input}`;
  try {
    return { form, elements: parseElementString(bracketed, options).elements };
  } catch (bareKeyError) {
    try {
      return { form: 'element-string-raw', elements: parseElementString(input, options).elements };
    } catch {
      throw bareKeyError;
    }
  }
}

function resolveDates(elements: Gs1Element[], options: DateOptions): Record<string, string> {
  const dates: Record<string, string> = {};
  for (const { ai, value } of elements) {
    const definition = lookupAi(ai);
    if (!definition?.isDate) continue;
    const date = parseYymmdd(value.slice(0, 6), true, ai, options).iso;
    dates[ai] = ai === '7003' ? `${date}T${value.slice(6, 8)}:${value.slice(8, 10)}` : date;
  }
  return dates;
}

export function parseAnyIdentifier(
  rawInput: string,
  options: ParseAnyIdentifierOptions = {},
): IdentifierDescription {
  const input = rawInput.trim();
  const { elements, companyPrefix, form: detectedForm } = elementsOf(detect(input), input, options);
  const withTitles = elements.map(({ ai, value }) => ({ ai, title: aiTitle(ai), value }));
  const gcpOptions: CompanyPrefixOptions =
    companyPrefix !== undefined
      ? { gcpLength: companyPrefix.length }
      : { gcpLength: options.gcpLength, prefixLengths: options.prefixLengths };
  const description: IdentifierDescription = {
    input,
    detectedForm,
    elements: withTitles,
    elementString: formatElementString(elements),
    rawElementString: formatElementString(elements, { form: 'raw' }),
  };
  const primaryKey = withTitles.find((element) => isDigitalLinkPrimaryKey(element.ai));
  if (primaryKey) {
    description.primaryKey = primaryKey;
    const domain = options.digitalLinkDomain === undefined ? {} : { domain: options.digitalLinkDomain };
    description.digitalLink = formatDigitalLink(elements, domain);
    description.digitalLinkKey = formatDigitalLink(elements, { ...domain, includeAttributes: false });
  }
  addEpcForms(description, elements, gcpOptions, companyPrefix);
  const dates = resolveDates(elements, options);
  if (Object.keys(dates).length > 0) {
    description.dates = dates;
    const expiry = dates['17'] ?? dates['7003']?.slice(0, 10);
    if (expiry !== undefined) description.expiry = expiry;
  }
  return description;
}

function addEpcForms(
  description: IdentifierDescription,
  elements: Gs1Element[],
  gcpOptions: CompanyPrefixOptions,
  companyPrefix: string | undefined,
): void {
  try {
    try {
      description.epcUri = elementsToEpcUri(elements, gcpOptions);
    } catch (error) {
      if (!(error instanceof Gs1Error) || error.code !== 'UNSUPPORTED') throw error;
    }
    if (elements.some((element) => element.ai === '01')) {
      const classUri = elementsToEpcClassUri(elements, gcpOptions);
      if (classUri !== undefined) description.epcClassUri = classUri;
      description.epcPatternUri = elementsToEpcPatternUri(elements, gcpOptions);
    }
    const epc = description.epcUri ?? description.epcClassUri ?? description.epcPatternUri;
    if (epc !== undefined) description.companyPrefix = companyPrefix ?? parseEpcUri(epc).companyPrefix;
  } catch (error) {
    if (!(error instanceof Gs1Error)) throw error;
    description.epcError = { code: error.code, message: error.message };
  }
}
