import { cbvWordOf, isInCbvNamespace } from '../jsonld/vocabulary-forms';
import { CBV_VOCABULARIES, type CbvVocabularyKind, isCbvWord } from '../model/vocabulary';
import { error, type RuleFinding, warning } from './collector';

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Why a vocabulary value is not acceptable in EPCIS 2.0 JSON-LD, or undefined. Accepted: a bare word of the
 * vocabulary, a full URI or CURIE of a member, or any URI outside the reserved CBV / GS1 namespaces.
 * Errors are what the GS1 JSON schema refuses (a bare word outside the vocabulary, the EPCIS 1.x URN form,
 * a GS1 Web Vocabulary URI for a measurement or alert type); an unknown term in the CBV namespace is a warning.
 */
export function vocabularyValueProblem(
  kind: CbvVocabularyKind,
  field: string,
  value: unknown,
): RuleFinding | undefined {
  const vocabulary = CBV_VOCABULARIES[kind];
  if (typeof value !== 'string') return error(`${field} must be a string (a ${vocabulary.label} or a URI)`);
  if (isCbvWord(kind, value)) return undefined;
  if (!URI_SCHEME.test(value)) {
    return error(`${field} ${JSON.stringify(value)} is not a ${vocabulary.label} of CBV 2.0 and not a URI`);
  }
  if (vocabulary.urnPrefix && value.startsWith(vocabulary.urnPrefix)) {
    const word = cbvWordOf(kind, value);
    return error(
      word
        ? `${field} uses the EPCIS 1.x URN form ${JSON.stringify(value)}; EPCIS 2.0 JSON uses the bare word ${JSON.stringify(word)}`
        : `${field} ${JSON.stringify(value)} is not a ${vocabulary.label} of CBV 2.0`,
    );
  }
  if (isInCbvNamespace(kind, value)) {
    const word = cbvWordOf(kind, value);
    if (word === undefined)
      return warning(`${field} ${JSON.stringify(value)} is not a ${vocabulary.label} of CBV 2.0`);
    if (kind === 'measurementType' || kind === 'sensorAlertType') {
      if (!value.startsWith(vocabulary.curiePrefix)) {
        return error(
          `${field} ${JSON.stringify(value)}: GS1 Web Vocabulary URIs are not allowed here, use the bare word ${JSON.stringify(word)}`,
        );
      }
    }
  }
  return undefined;
}
