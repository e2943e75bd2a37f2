import fc from 'fast-check';
import { CBV_VOCABULARIES, type CbvVocabularyKind } from '../model/vocabulary';
import { cbvValueForms, cbvWordOf, toBareCbvWord, toCbvUri, toCbvUrn } from './vocabulary-forms';

const kinds = Object.keys(CBV_VOCABULARIES) as CbvVocabularyKind[];

describe('CBV vocabulary forms', () => {
  it.each([
    [
      'bizStep',
      'shipping',
      'https://ref.gs1.org/cbv/BizStep-shipping',
      'cbv:BizStep-shipping',
      'urn:epcglobal:cbv:bizstep:shipping',
    ],
    [
      'disposition',
      'in_transit',
      'https://ref.gs1.org/cbv/Disp-in_transit',
      'cbv:Disp-in_transit',
      'urn:epcglobal:cbv:disp:in_transit',
    ],
    ['bizTransactionType', 'po', 'https://ref.gs1.org/cbv/BTT-po', 'cbv:BTT-po', 'urn:epcglobal:cbv:btt:po'],
    [
      'sourceDestType',
      'owning_party',
      'https://ref.gs1.org/cbv/SDT-owning_party',
      'cbv:SDT-owning_party',
      'urn:epcglobal:cbv:sdt:owning_party',
    ],
    [
      'errorReason',
      'incorrect_data',
      'https://ref.gs1.org/cbv/ER-incorrect_data',
      'cbv:ER-incorrect_data',
      'urn:epcglobal:cbv:er:incorrect_data',
    ],
  ] as const)('%s: %s in all four forms', (kind, bare, uri, curie, urn) => {
    for (const form of [bare, uri, curie, urn, uri.replace('https:', 'http:')]) {
      expect(toBareCbvWord(kind, form)).toBe(bare);
      expect(toCbvUri(kind, form)).toBe(uri);
      expect(toCbvUrn(kind, form)).toBe(urn);
    }
  });

  it('converts sensor vocabularies, which have no URN form', () => {
    expect(toCbvUri('measurementType', 'Temperature')).toBe('https://gs1.org/voc/Temperature');
    expect(toBareCbvWord('measurementType', 'gs1:Temperature')).toBe('Temperature');
    expect(toBareCbvWord('measurementType', 'https://www.gs1.org/voc/Temperature')).toBe('Temperature');
    expect(toCbvUri('sensorAlertType', 'ALARM_CONDITION')).toBe('https://gs1.org/voc/ALARM_CONDITION');
    expect(toCbvUri('component', 'latitude')).toBe('https://ref.gs1.org/cbv/Comp-latitude');
    expect(toCbvUrn('component', 'latitude')).toBe('https://ref.gs1.org/cbv/Comp-latitude');
  });

  it('leaves user vocabulary URIs and non-members unchanged', () => {
    expect(toBareCbvWord('bizStep', 'https://example.com/steps/labelling')).toBe(
      'https://example.com/steps/labelling',
    );
    expect(toCbvUri('bizStep', 'urn:example:step')).toBe('urn:example:step');
    expect(toCbvUri('bizStep', 'flying')).toBe('flying');
    expect(toBareCbvWord('bizStep', 'urn:epcglobal:cbv:bizstep:flying')).toBe(
      'urn:epcglobal:cbv:bizstep:flying',
    );
    expect(cbvWordOf('bizStep', 'https://ref.gs1.org/cbv/Disp-in_transit')).toBeUndefined();
    expect(toBareCbvWord('disposition', 'shipping')).toBe('shipping');
  });

  it('round-trips every member of every vocabulary between all forms', () => {
    const member = fc
      .constantFrom(...kinds)
      .chain((kind) => fc.constantFrom(...CBV_VOCABULARIES[kind].words).map((word) => ({ kind, word })));
    fc.assert(
      fc.property(member, ({ kind, word }) => {
        const uri = toCbvUri(kind, word);
        expect(uri).not.toBe(word);
        expect(toBareCbvWord(kind, uri)).toBe(word);
        expect(toBareCbvWord(kind, toCbvUrn(kind, word))).toBe(word);
        expect(toBareCbvWord(kind, CBV_VOCABULARIES[kind].curiePrefix + word)).toBe(word);
        expect(toCbvUri(kind, toCbvUri(kind, word))).toBe(uri);
      }),
    );
  });

  it('lists every spelling of a member and only the value itself for a non-member', () => {
    const forms = cbvValueForms('disposition', 'urn:epcglobal:cbv:disp:in_transit');
    expect(forms).toEqual(
      expect.arrayContaining([
        'in_transit',
        'https://ref.gs1.org/cbv/Disp-in_transit',
        'http://ref.gs1.org/cbv/Disp-in_transit',
        'cbv:Disp-in_transit',
        'urn:epcglobal:cbv:disp:in_transit',
      ]),
    );
    expect(cbvValueForms('measurementType', 'Temperature')).toEqual(
      expect.arrayContaining(['Temperature', 'gs1:Temperature', 'https://gs1.org/voc/Temperature']),
    );
    expect(cbvValueForms('errorReason', 'https://example.org/reason')).toEqual([
      'https://example.org/reason',
    ]);
  });
});
