/**
 * The "constrained canonical GS1 Digital Link URI" of the CBV 2.0 event hash: any GS1 Digital Link URI
 * is rewritten onto the domain `https://id.gs1.org`, with numeric AIs instead of short names, without
 * query string or fragment, with GTINs padded to 14 digits, and reduced to the most fine-granular level
 * of identification: only the key qualifiers 01→21|10|235, 8006→21|10, 414→254 and 8010→8011 remain,
 * a serial number wins over a lot, and a consumer product variant (22) is dropped.
 */
export const CANONICAL_DL_DOMAIN = 'https://id.gs1.org';

/** GS1 Digital Link short names (DL 1.1) of primary keys and key qualifiers. */
const SHORT_NAME_AI: Readonly<Record<string, string>> = {
  gtin: '01',
  itip: '8006',
  cpid: '8010',
  gln: '414',
  party: '417',
  gsrnp: '8017',
  gsrn: '8018',
  gcn: '255',
  sscc: '00',
  gdti: '253',
  ginc: '401',
  gsin: '402',
  grai: '8003',
  giai: '8004',
  cpv: '22',
  lot: '10',
  ser: '21',
  glnx: '254',
  cpsn: '8011',
  tpx: '235',
  srin: '8019',
};

/** Primary keys: the syntax of the key value (after percent-decoding). */
const PRIMARY_KEY_SYNTAX: Readonly<Record<string, RegExp>> = {
  '00': /^\d{18}$/,
  '01': /^\d{8}(?:\d{4}\d?\d?)?$/, // GTIN-8, -12, -13 or -14
  '253': /^\d{13}[\x21-\x7e]{0,17}$/,
  '255': /^\d{13}\d{0,12}$/,
  '401': /^\d{4}[\x21-\x7e]{0,26}$/,
  '402': /^\d{17}$/,
  '414': /^\d{13}$/,
  '417': /^\d{13}$/,
  '8003': /^\d{14}[\x21-\x7e]{0,16}$/,
  '8004': /^\d{4}[\x21-\x7e]{0,26}$/,
  '8006': /^\d{18}$/,
  '8010': /^\d{4}[\x21-\x7e]{0,26}$/,
  '8017': /^\d{18}$/,
  '8018': /^\d{18}$/,
};

/** Key qualifiers that may follow a primary key in a Digital Link path (DL 1.2 path grammar). */
const QUALIFIERS: Readonly<Record<string, readonly string[]>> = {
  '01': ['22', '10', '21', '235'],
  '8006': ['22', '10', '21'],
  '414': ['254', '7040'],
  '8010': ['8011'],
  '417': ['7040'],
  '8018': ['8019'],
};

/** Qualifiers kept in the hash, most fine-granular first: the first one present is the only one kept. */
const KEPT_QUALIFIERS: Readonly<Record<string, readonly string[]>> = {
  '01': ['21', '235', '10'],
  '8006': ['21', '10'],
  '414': ['254'],
  '8010': ['8011'],
};

/** Characters written literally in a canonical path segment; all others are percent-encoded. */
const LITERAL_SEGMENT_CHARACTER = /^[A-Za-z0-9\-._';=]$/;
const LITERAL_SEGMENT = /^[A-Za-z0-9\-._';=]*$/;

const HTTP_URI = /^https?:\/\/[^/?#]*(\/[^?#]*)?(?:\?[^#]*)?(?:#.*)?$/i;

/**
 * The constrained canonical form of a GS1 Digital Link URI, or undefined when `uri` is not a GS1
 * Digital Link URI (any other URI is hashed as it is).
 */
export function constrainedCanonicalDigitalLink(uri: string): string | undefined {
  const match = HTTP_URI.exec(uri);
  if (!match || !match[1]) return undefined;
  const segments = match[1].split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();

  for (let start = 0; start < segments.length; start += 1) {
    const elements = pathElements(segments.slice(start));
    const canonical = elements && constrainedCanonicalKey(elements);
    if (canonical !== undefined) return canonical;
  }
  return undefined;
}

/** An AI (numeric) and its value (not percent-encoded). */
export interface PathElement {
  ai: string;
  value: string;
}

/**
 * The constrained canonical Digital Link URI of a primary key followed by its key qualifiers (as AIs with
 * decoded values), or undefined when they are not a GS1 primary key with qualifiers it accepts.
 */
export function constrainedCanonicalKey(elements: readonly PathElement[]): string | undefined {
  const kept = keptElements(elements);
  if (kept === undefined) return undefined;
  let uri = CANONICAL_DL_DOMAIN;
  for (const element of kept) uri += `/${element.ai}/${canonicalSegment(element.value)}`;
  return uri;
}

/** Reads `segments` as pairs of an AI (or its short name) and a percent-encoded value. */
function pathElements(segments: readonly string[]): PathElement[] | undefined {
  if (segments.length < 2 || segments.length % 2 !== 0) return undefined;
  const elements: PathElement[] = [];
  for (let i = 0; i < segments.length; i += 2) {
    const value = percentDecode(segments[i + 1]);
    if (value === undefined || value === '') return undefined;
    elements.push({ ai: SHORT_NAME_AI[segments[i]] ?? segments[i], value });
  }
  return elements;
}

/** A primary key and its qualifiers reduced to the elements the hash keeps (key, then its finest qualifier). */
function keptElements(elements: readonly PathElement[]): PathElement[] | undefined {
  if (elements.length === 0) return undefined;
  const primary = elements[0];
  const syntax = PRIMARY_KEY_SYNTAX[primary.ai];
  if (!syntax || !syntax.test(primary.value)) return undefined;
  const allowed = QUALIFIERS[primary.ai] ?? [];
  for (let i = 1; i < elements.length; i += 1) if (!allowed.includes(elements[i].ai)) return undefined;

  const key = primary.ai === '01' ? { ai: '01', value: primary.value.padStart(14, '0') } : primary;
  for (const ai of KEPT_QUALIFIERS[primary.ai] ?? []) {
    const kept = elements.find((element, i) => i > 0 && element.ai === ai);
    if (kept) return [key, kept];
  }
  return [key];
}

function canonicalSegment(value: string): string {
  if (LITERAL_SEGMENT.test(value)) return value;
  let encoded = '';
  for (const character of value) {
    encoded += LITERAL_SEGMENT_CHARACTER.test(character)
      ? character
      : Array.from(
          Buffer.from(character, 'utf8'),
          (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
        ).join('');
  }
  return encoded;
}

function percentDecode(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
