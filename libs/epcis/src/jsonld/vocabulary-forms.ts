import { CBV_VOCABULARIES, type CbvVocabularyKind, isCbvWord } from '../model/vocabulary';

/**
 * Conversion of CBV / GS1 vocabulary values between the forms EPCIS allows:
 * bare words of the EPCIS 2.0 JSON-LD context (`shipping`), full Web URIs
 * (`https://ref.gs1.org/cbv/BizStep-shipping`), CURIEs (`cbv:BizStep-shipping`) and the
 * EPCIS 1.x URNs (`urn:epcglobal:cbv:bizstep:shipping`).
 * Only members of the vocabulary are converted; any other value (a user vocabulary URI, an unknown word)
 * is returned unchanged so that validation can report it.
 */

/** Alternative spellings of the namespaces that denote the same vocabulary (http, `www.`). */
function namespaceVariants(uriPrefix: string): string[] {
  const httpPrefix = uriPrefix.replace(/^https:/, 'http:');
  const variants = [uriPrefix, httpPrefix];
  if (uriPrefix.startsWith('https://gs1.org/')) {
    variants.push(uriPrefix.replace('https://gs1.org/', 'https://www.gs1.org/'));
    variants.push(httpPrefix.replace('http://gs1.org/', 'http://www.gs1.org/'));
  }
  return variants;
}

const prefixesByKind = new Map<CbvVocabularyKind, readonly string[]>(
  Object.values(CBV_VOCABULARIES).map((v) => [
    v.kind,
    [...namespaceVariants(v.uriPrefix), v.curiePrefix, ...(v.urnPrefix ? [v.urnPrefix] : [])],
  ]),
);

/** The vocabulary word a value denotes in any of the allowed forms, or undefined if it is not a member. */
export function cbvWordOf(kind: CbvVocabularyKind, value: string): string | undefined {
  if (isCbvWord(kind, value)) return value;
  for (const prefix of prefixesByKind.get(kind) ?? []) {
    if (value.startsWith(prefix)) {
      const word = value.slice(prefix.length);
      return isCbvWord(kind, word) ? word : undefined;
    }
  }
  return undefined;
}

/** Whether a value uses one of the namespaces reserved for the vocabulary (CBV/GS1), member or not. */
export function isInCbvNamespace(kind: CbvVocabularyKind, value: string): boolean {
  return (prefixesByKind.get(kind) ?? []).some((prefix) => value.startsWith(prefix));
}

/** `urn:epcglobal:cbv:bizstep:shipping`, `cbv:BizStep-shipping`, … → `shipping`; other values unchanged. */
export function toBareCbvWord(kind: CbvVocabularyKind, value: string): string {
  return cbvWordOf(kind, value) ?? value;
}

/** `shipping`, `cbv:BizStep-shipping`, … → `https://ref.gs1.org/cbv/BizStep-shipping`; other values unchanged. */
export function toCbvUri(kind: CbvVocabularyKind, value: string): string {
  const word = cbvWordOf(kind, value);
  return word === undefined ? value : CBV_VOCABULARIES[kind].uriPrefix + word;
}

/** `shipping` → `urn:epcglobal:cbv:bizstep:shipping` (EPCIS 1.x XML form); vocabularies new in 2.0 use the URI. */
export function toCbvUrn(kind: CbvVocabularyKind, value: string): string {
  const word = cbvWordOf(kind, value);
  const urnPrefix = CBV_VOCABULARIES[kind].urnPrefix;
  if (word === undefined) return value;
  return urnPrefix ? urnPrefix + word : CBV_VOCABULARIES[kind].uriPrefix + word;
}

/**
 * Every spelling of a vocabulary value that denotes the same member (bare word, Web URIs with http/https and `www.`
 * variants, CURIE, URN), for matching values stored as they were captured; a non-member is its only spelling.
 */
export function cbvValueForms(kind: CbvVocabularyKind, value: string): string[] {
  const word = cbvWordOf(kind, value);
  if (word === undefined) return [value];
  return [word, ...(prefixesByKind.get(kind) ?? []).map((prefix) => prefix + word)];
}
