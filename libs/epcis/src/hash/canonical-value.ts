import { epcUriToDigitalLink, isEpcUri } from '@pedigree/gs1';
import { EpcisException } from '../errors';
import { constrainedCanonicalDigitalLink } from './digital-link';
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

/**
 * Canonical text of single values and field names for the pre-hash string, given the JSON-LD
 * namespaces in scope.
 */
export class CanonicalValues {
  constructor(private readonly namespaces: JsonLdNamespaces) {}

  /**
   * The canonical text of a JSON value, or undefined when there is nothing to hash (absent, empty or
   * whitespace-only, or not a scalar).
   */
  text(raw: unknown, pointer: string, rule: ValueRule = {}): string | undefined {
    if (typeof raw === 'number') return canonicalNumber(raw);
    if (typeof raw === 'boolean') return String(raw);
    if (typeof raw !== 'string') return undefined;
    const value = raw.trim();
    if (value === '') return undefined;

    if (rule.timestamp) {
      const timestamp = canonicalTimestamp(value);
      if (timestamp === undefined) {
        throw new EpcisException('ValidationException', [
          { pointer, message: `'${value}' is not an xsd:dateTimeStamp with a time zone offset` },
        ]);
      }
      return timestamp;
    }
    if (rule.vocabulary && isBareWord(value)) return rule.vocabulary + value;

    const uri = cbvUrnToWebUri(expandCompactIri(value, this.namespaces));
    return canonicalNumericString(uri) ?? canonicalTimestamp(uri) ?? canonicalIdentifier(uri);
  }

  /**
   * A field name: `{namespace}localName` for a compact IRI with a declared prefix or an absolute IRI
   * (`https://…`, `urn:…`), else the name as written.
   */
  fieldName(key: string): string {
    const compact = splitCompactIri(key, this.namespaces);
    if (compact) return `{${compact.namespace}}${compact.localName}`;
    if (/^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|urn:)/i.test(key)) {
      const cut = Math.max(key.lastIndexOf('/'), key.lastIndexOf('#'), key.lastIndexOf(':')) + 1;
      if (cut < key.length) return `{${key.slice(0, cut)}}${key.slice(cut)}`;
    }
    return key;
  }
}

/**
 * EPC URIs (pure identity, class and pattern URIs) and GS1 Digital Link URIs become constrained
 * canonical Digital Link URIs; any other identifier stays as it is.
 */
export function canonicalIdentifier(value: string): string {
  let uri = value;
  if (isEpcUri(value)) {
    try {
      uri = epcUriToDigitalLink(value);
    } catch {
      // Not a GS1 key that Digital Link can express (or a malformed EPC URI): hashed as written.
      return value;
    }
  }
  return constrainedCanonicalDigitalLink(uri) ?? uri;
}
