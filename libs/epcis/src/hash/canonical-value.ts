import { epcUriToDigitalLink, type Gs1Element } from '@pedigree/gs1';
import { EpcisException } from '../errors';
import { constrainedCanonicalDigitalLink, constrainedCanonicalKey } from './digital-link';
import { Location } from '../location';
import { parsedEpcUri } from '../parsed-epc-uris';
import { expandCompactIri, JsonLdNamespaces, splitCompactIri } from './namespaces';
import { canonicalNumber, canonicalNumericString } from './number';
import { canonicalTimestamp } from './timestamp';
import { cbvUrnToWebUri, isBareWord, VocabularyNamespace } from './vocabulary';

export interface ValueRule {
  /** The field holds a CBV/GS1 vocabulary value: a bare word is expanded with this namespace. */
  vocabulary?: VocabularyNamespace;
  /** The field is an xsd:dateTimeStamp (eventTime, sensor times): anything else is rejected. */
  timestamp?: boolean;
}

const NO_RULE: ValueRule = {};
const ABSOLUTE_IRI = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|urn:)/i;

/**
 * Canonical text of single values and field names for the pre-hash string, given the JSON-LD
 * namespaces in scope.
 */
export class CanonicalValues {
  constructor(private readonly namespaces: JsonLdNamespaces) {}

  /**
   * The canonical text of a JSON value, or undefined when there is nothing to hash (absent, empty or
   * whitespace-only, or not a scalar). `location` is where the value is, for the error of a bad timestamp.
   */
  text(raw: unknown, location: Location, rule: ValueRule = NO_RULE): string | undefined {
    if (typeof raw === 'number') return canonicalNumber(raw);
    if (typeof raw === 'boolean') return String(raw);
    if (typeof raw !== 'string') return undefined;
    const value = raw.trim();
    if (value === '') return undefined;

    if (rule.timestamp) {
      const timestamp = canonicalTimestamp(value);
      if (timestamp === undefined) {
        throw new EpcisException('ValidationException', [
          {
            pointer: location.pointer(),
            message: `'${value}' is not an xsd:dateTimeStamp with a time zone offset`,
          },
        ]);
      }
      return timestamp;
    }
    if (rule.vocabulary && isBareWord(value)) return rule.vocabulary + value;
    // Without a colon, a value is neither a compact IRI, nor a URI, nor a timestamp.
    if (!value.includes(':')) return canonicalNumericString(value) ?? value;

    const uri = cbvUrnToWebUri(expandCompactIri(value, this.namespaces));
    return canonicalNumericString(uri) ?? canonicalTimestamp(uri) ?? canonicalIdentifier(uri);
  }

  /**
   * A field name: `{namespace}localName` for a compact IRI with a declared prefix or an absolute IRI
   * (`https://…`, `urn:…`), else the name as written.
   */
  fieldName(key: string): string {
    if (!key.includes(':')) return key;
    const compact = splitCompactIri(key, this.namespaces);
    if (compact) return `{${compact.namespace}}${compact.localName}`;
    if (ABSOLUTE_IRI.test(key)) {
      const cut = Math.max(key.lastIndexOf('/'), key.lastIndexOf('#'), key.lastIndexOf(':')) + 1;
      if (cut < key.length) return `{${key.slice(0, cut)}}${key.slice(cut)}`;
    }
    return key;
  }
}

/**
 * Identifiers that recur from event to event (locations, parties, classes and patterns) keep their
 * canonical form; serialised instance identifiers are mostly seen once and are not remembered.
 */
const RECURRING_EPC_URI = /^urn:epc:(?:id:(?:sgln|pgln):|class:|idpat:)/;
const MAX_REMEMBERED_IDENTIFIERS = 10_000;
const rememberedIdentifiers = new Map<string, string>();

/**
 * EPC URIs (pure identity, class and pattern URIs) and GS1 Digital Link URIs become constrained
 * canonical Digital Link URIs; any other identifier stays as it is.
 */
export function canonicalIdentifier(value: string): string {
  const remembered = rememberedIdentifiers.get(value);
  if (remembered !== undefined) return remembered;
  const canonical = uncachedCanonicalIdentifier(value);
  if (RECURRING_EPC_URI.test(value)) {
    if (rememberedIdentifiers.size >= MAX_REMEMBERED_IDENTIFIERS) rememberedIdentifiers.clear();
    rememberedIdentifiers.set(value, canonical);
  }
  return canonical;
}

function uncachedCanonicalIdentifier(value: string): string {
  const elements = epcUriElements(value);
  if (elements === undefined) return constrainedCanonicalDigitalLink(value) ?? value;
  // Not a GS1 key that Digital Link can express (a pattern that leaves part of the key open): hashed as written.
  if (elements.length === 0) return value;
  return constrainedCanonicalKey(elements) ?? viaDigitalLink(value);
}

/** The GS1 elements of a valid EPC URI (key first; none for an open pattern), or undefined for anything else. */
function epcUriElements(value: string): readonly Gs1Element[] | undefined {
  if (!value.startsWith('urn:epc:')) return undefined;
  try {
    return parsedEpcUri(value).elements;
  } catch {
    // A malformed EPC URI is hashed as written.
    return undefined;
  }
}

/** The general route, for EPC URIs whose elements are not a key the constrained form accepts. */
function viaDigitalLink(epcUri: string): string {
  let uri: string;
  try {
    uri = epcUriToDigitalLink(epcUri);
  } catch {
    // Not a GS1 key that Digital Link can express: hashed as written.
    return epcUri;
  }
  return constrainedCanonicalDigitalLink(uri) ?? uri;
}
