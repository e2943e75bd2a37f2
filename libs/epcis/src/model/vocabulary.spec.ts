import { gs1StandardsPath } from '@pedigree/gs1';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CBV_VOCABULARIES, type CbvVocabularyKind, isCbvWord } from './vocabulary';

const contextDir = gs1StandardsPath('gs1-epcis/cbv-context');

const contextFiles: Record<CbvVocabularyKind, string> = {
  bizStep: 'cbv-context-bizstep.jsonld',
  disposition: 'cbv-context-disposition.jsonld',
  bizTransactionType: 'cbv-context-biztransaction-type.jsonld',
  sourceDestType: 'cbv-context-sourcedest-type.jsonld',
  errorReason: 'cbv-context-error-reason.jsonld',
  component: 'cbv-context-component.jsonld',
  measurementType: 'gs1-context-measurement-type.jsonld',
  sensorAlertType: 'gs1-context-sensor-alert-type.jsonld',
};

/** The word → full URI mapping a GS1 vocabulary context defines. */
function contextTerms(file: string): Map<string, string> {
  const context = (
    JSON.parse(readFileSync(path.join(contextDir, file), 'utf8')) as { '@context': Record<string, unknown> }
  )['@context'];
  const prefixes = { cbv: String(context['cbv']), gs1: String(context['gs1']) };
  const terms = new Map<string, string>();
  for (const [term, value] of Object.entries(context)) {
    if (term.startsWith('@') || term in prefixes || typeof value !== 'string') continue;
    const [prefix, local] = value.split(':');
    terms.set(term, prefixes[prefix as 'cbv' | 'gs1'] + local);
  }
  return terms;
}

describe('CBV 2.0 vocabularies', () => {
  it.each(Object.keys(contextFiles) as CbvVocabularyKind[])(
    '%s matches the GS1 JSON-LD context exactly',
    (kind) => {
      const terms = contextTerms(contextFiles[kind]);
      const vocabulary = CBV_VOCABULARIES[kind];
      expect([...vocabulary.words].sort()).toEqual([...terms.keys()].sort());
      for (const [word, uri] of terms) expect(vocabulary.uriPrefix + word).toBe(uri);
    },
  );

  it('recognises members case-sensitively', () => {
    expect(isCbvWord('bizStep', 'shipping')).toBe(true);
    expect(isCbvWord('bizStep', 'Shipping')).toBe(false);
    expect(isCbvWord('disposition', 'shipping')).toBe(false);
    expect(isCbvWord('measurementType', 'Temperature')).toBe(true);
  });
});
