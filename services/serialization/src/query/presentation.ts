import type { FastifyRequest } from 'fastify';
import { canonicalIdentifier, type EpcisXmlOptions } from '@pedigree/epcis';
import { digitalLinkToEpcUri } from '@pedigree/gs1';
import { epcisProblem } from '../epcis-problems';

/** `GS1-EPC-Format` (EPCIS 2.0 REST binding): how identifiers are written in answers. */
export const EPC_FORMATS = [
  'No_Preference',
  'Always_GS1_Digital_Link',
  'Always_EPC_URN',
  'Never_Translates',
] as const;
export type EpcFormat = (typeof EPC_FORMATS)[number];
/** Without the header: "If absent the default value is `Always_GS1_Digital_Link`" (GS1's EPCIS 2.0 OpenAPI). */
export const DEFAULT_EPC_FORMAT: EpcFormat = 'Always_GS1_Digital_Link';

/** `GS1-CBV-XML-Format`: how vocabulary values are written in XML answers. */
export const CBV_XML_FORMATS = ['No_Preference', 'Always_Web_URI', 'Always_URN', 'Never_Translates'] as const;
export type CbvXmlFormat = (typeof CBV_XML_FORMATS)[number];

function headerValue<T extends string>(
  request: Pick<FastifyRequest, 'headers'>,
  name: string,
  allowed: readonly T[],
  absent: T,
): T {
  const raw = request.headers[name.toLowerCase()];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (value === undefined || value === '') return absent;
  if (!(allowed as readonly string[]).includes(value))
    throw epcisProblem('QueryParameterException', 400, `${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function epcFormatOf(request: Pick<FastifyRequest, 'headers'>): EpcFormat {
  return headerValue(request, 'GS1-EPC-Format', EPC_FORMATS, DEFAULT_EPC_FORMAT);
}

export function cbvXmlFormatOf(request: Pick<FastifyRequest, 'headers'>): CbvXmlFormat {
  return headerValue(request, 'GS1-CBV-XML-Format', CBV_XML_FORMATS, 'No_Preference');
}

export function xmlOptions(format: CbvXmlFormat): EpcisXmlOptions {
  if (format === 'Always_Web_URI') return { vocabulary: 'uri' };
  if (format === 'Never_Translates') return { vocabulary: 'as-written' };
  return { vocabulary: 'urn' };
}

/**
 * One identifier in the asked format. Digital Link: any EPC URI GS1 Digital Link can express (canonical form,
 * id.gs1.org). EPC URN: a Digital Link whose company prefix length is known from `gcps` (the prefixes of the event's
 * capturer); others stay as they are. No_Preference and Never_Translates: as stored.
 */
export function formatIdentifier(value: string, format: EpcFormat, gcps: readonly string[]): string {
  if (format === 'Always_GS1_Digital_Link')
    return value.startsWith('urn:epc:') ? canonicalIdentifier(value) : value;
  if (format !== 'Always_EPC_URN' || !/^https?:\/\//.test(value)) return value;
  try {
    return digitalLinkToEpcUri(value, {
      prefixLengths: gcps.map((prefix) => ({ prefix, length: prefix.length })),
    });
  } catch {
    // Not a GS1 Digital Link, or its company prefix length is unknown: as stored.
    return value;
  }
}

const EPC_LISTS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'];
const QUANTITY_LISTS = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'];
const PARTY_LISTS: Array<[string, string]> = [
  ['sourceList', 'source'],
  ['destinationList', 'destination'],
];

/**
 * A copy of an event with its identifiers (EPCs, classes, parent, read point, business location, sources and
 * destinations) written in `format`; the event itself when nothing is to change.
 */
export function formatEventIdentifiers<T extends object>(
  event: T,
  format: EpcFormat,
  gcps: readonly string[],
): T {
  if (format === 'No_Preference' || format === 'Never_Translates') return event;
  const id = (value: unknown) => (typeof value === 'string' ? formatIdentifier(value, format, gcps) : value);
  const copy = { ...(event as Record<string, unknown>) };
  for (const list of EPC_LISTS) if (Array.isArray(copy[list])) copy[list] = (copy[list] as unknown[]).map(id);
  if (copy['parentID'] !== undefined) copy['parentID'] = id(copy['parentID']);
  for (const list of QUANTITY_LISTS) {
    if (Array.isArray(copy[list]))
      copy[list] = (copy[list] as Array<Record<string, unknown>>).map((q) =>
        q && typeof q === 'object' ? { ...q, epcClass: id(q['epcClass']) } : q,
      );
  }
  for (const place of ['readPoint', 'bizLocation']) {
    const location = copy[place] as Record<string, unknown> | undefined;
    if (location && typeof location === 'object') copy[place] = { ...location, id: id(location['id']) };
  }
  for (const [list, field] of PARTY_LISTS) {
    if (Array.isArray(copy[list]))
      copy[list] = (copy[list] as Array<Record<string, unknown>>).map((entry) =>
        entry && typeof entry === 'object' ? { ...entry, [field]: id(entry[field]) } : entry,
      );
  }
  return copy as T;
}
