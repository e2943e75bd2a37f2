import { CBV_VOCABULARIES, type CbvVocabularyKind, isCbvWord } from '../model/vocabulary';

/**
 * Standard vocabulary values in the two bindings. EPCIS 2.0 JSON-LD writes a standard CBV / GS1 value as its
 * bare word (`shipping`); the XML binding writes the CBV URN (`urn:epcglobal:cbv:bizstep:shipping`, the only
 * form EPCIS 1.2 knows) or, for vocabularies new in 2.0 without a URN form, the full Web URI
 * (`https://gs1.org/voc/Temperature`). Readers accept every standard form: URN, Web URI, CURIE, bare word.
 * Values outside the standard vocabulary (user vocabularies) are kept exactly as given.
 */
export function bareVocabularyWord(kind: CbvVocabularyKind, value: string): string {
  if (isCbvWord(kind, value)) return value;
  const vocabulary = CBV_VOCABULARIES[kind];
  for (const prefix of [vocabulary.urnPrefix, vocabulary.uriPrefix, vocabulary.curiePrefix]) {
    if (prefix !== undefined && value.startsWith(prefix)) {
      const word = value.slice(prefix.length);
      if (isCbvWord(kind, word)) return word;
    }
  }
  return value;
}

export function xmlVocabularyValue(kind: CbvVocabularyKind, value: string): string {
  const word = bareVocabularyWord(kind, value);
  if (!isCbvWord(kind, word)) return value;
  const vocabulary = CBV_VOCABULARIES[kind];
  return (vocabulary.urnPrefix ?? vocabulary.uriPrefix) + word;
}
