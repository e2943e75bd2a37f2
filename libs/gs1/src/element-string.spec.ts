import fc from 'fast-check';
import {
  formatElementString,
  GROUP_SEPARATOR as GS,
  hasGroupSeparatorNotation,
  parseElementString,
  replaceGroupSeparatorNotations,
} from './element-string';
import { Gs1Error } from './errors';
import { arbitraryIdentifiers, text82 } from '../test/arbitraries';

const now = new Date('2025-06-15T00:00:00Z');
const elementsOf = (input: string) => parseElementString(input, { now }).elements;

describe('bracketed element strings', () => {
  it('parses the human-readable form', () => {
    expect(elementsOf('(01)09506000134352(17)261231(10)ABC(21)XYZ')).toEqual([
      { ai: '01', value: '09506000134352' },
      { ai: '17', value: '261231' },
      { ai: '10', value: 'ABC' },
      { ai: '21', value: 'XYZ' },
    ]);
  });

  it('formats elements back to the same text', () => {
    const text = '(01)09506000134352(17)261231(10)ABC(21)XYZ';
    expect(formatElementString(elementsOf(text))).toBe(text);
  });

  it('escapes "(" inside values as "\\("', () => {
    const elements = [
      { ai: '01', value: '09506000134352' },
      { ai: '21', value: 'A(B)C' },
    ];
    const text = formatElementString(elements);
    expect(text).toBe('(01)09506000134352(21)A\\(B)C');
    expect(elementsOf(text)).toEqual(elements);
  });

  it('rejects text that is not (AI)value', () => {
    expect(() => elementsOf('01)0950600013435')).toThrow(Gs1Error);
    expect(() => elementsOf('(1)0950600013435')).toThrow(
      expect.objectContaining({ code: 'SYNTAX' }) as Error,
    );
  });

  it('rejects unknown AIs', () => {
    expect(() => elementsOf('(01)09506000134352(05)123')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_AI', ai: '05' }) as Error,
    );
  });
});

describe('raw element strings', () => {
  it('parses GS1 DataMatrix data with FNC1 after variable-length AIs', () => {
    const raw = `]d2010950600013435217261231${'10'}ABC${GS}21XYZ`;
    const parsed = parseElementString(raw, { now });
    expect(parsed).toMatchObject({ form: 'raw', symbologyIdentifier: ']d2' });
    expect(parsed.elements.map((e) => e.ai)).toEqual(['01', '17', '10', '21']);
    expect(parsed.elements[2].value).toBe('ABC');
  });

  it.each([']C1', ']e0', ']Q3', ']J1', ''])(
    'accepts symbology identifier "%s" and a leading FNC1',
    (symbology) => {
      expect(elementsOf(`${symbology}${GS}0109506000134352${'10'}LOT1`)).toEqual([
        { ai: '01', value: '09506000134352' },
        { ai: '10', value: 'LOT1' },
      ]);
    },
  );

  it('rejects symbology identifiers that do not announce GS1 data', () => {
    expect(() => elementsOf(']d10109506000134352')).toThrow(/does not announce GS1 data/);
  });

  it('tolerates a separator after a predefined-length AI', () => {
    expect(elementsOf(`0109506000134352${GS}17261231`).map((e) => e.ai)).toEqual(['01', '17']);
  });

  it('needs no separator after fixed-length AIs of predefined length', () => {
    expect(
      elementsOf('00106141412345678908' + '0209506000134352' + '3103000189' + '17260100' + '37' + '12'),
    ).toEqual([
      { ai: '00', value: '106141412345678908' },
      { ai: '02', value: '09506000134352' },
      { ai: '3103', value: '000189' },
      { ai: '17', value: '260100' },
      { ai: '37', value: '12' },
    ]);
  });

  it('reports a missing FNC1 separator as a length error', () => {
    expect(() => elementsOf('0109506000134352' + '10ABC' + '21XYZ12345678901234567890')).toThrow(
      expect.objectContaining({ code: 'LENGTH', ai: '10' }) as Error,
    );
  });

  it('formats the raw form with GS only between variable-length AIs', () => {
    const elements = elementsOf('(01)09506000134352(10)ABC(17)261231(21)XYZ');
    expect(formatElementString(elements, { form: 'raw', symbologyIdentifier: ']d2' })).toBe(
      `]d20109506000134352${'10'}ABC${GS}17261231${'21'}XYZ`,
    );
  });

  it('reports a fixed-length AI cut short', () => {
    expect(() => elementsOf('01095060001343')).toThrow(
      expect.objectContaining({ code: 'LENGTH', ai: '01' }) as Error,
    );
  });
});

describe('element validation', () => {
  it('names the AI, the found and the expected check digit', () => {
    expect(() => elementsOf('(01)09506000134353')).toThrow('AI (01) GTIN check digit is 3, expected 2');
  });

  it.each([
    ['(01)09506000134352(10)AB C', 'CHARSET', '10'], // space is not in set 82
    ['(01)09506000134352(21)A#B', 'CHARSET', '21'], // "#" is not in set 82
    ['(01)09506000134352(21)ÄB', 'CHARSET', '21'],
    ['(8010)4012345abc', 'CHARSET', '8010'], // set 39 has no lower case
    ['(01)0950600013435', 'LENGTH', '01'],
    ['(01)09506000134352(10)123456789012345678901', 'LENGTH', '10'],
    ['(01)09506000134352(17)261331', 'DATE', '17'],
    ['(01)09506000134352(17)260230', 'DATE', '17'],
    ['(01)09506000134352(7006)260200', 'DATE', '7006'],
    ['(01)09506000134352(7003)2612312460', 'DATE', '7003'],
    ['(01)09506000134352(3103)00018', 'LENGTH', '3103'],
    ['(00)106141412345678909', 'CHECK_DIGIT', '00'],
    ['(414)0614141000013', 'CHECK_DIGIT', '414'],
    ['(253)4012345555555', 'CHECK_DIGIT', '253'],
    ['(8010)4012345A(8011)0123', 'SYNTAX', '8011'], // CPID serial without leading zero
    ['(8006)095060001343520302(21)1', 'SYNTAX', '8006'], // piece 03 of 02
    ['0509506000134352', 'UNKNOWN_AI', '0509'],
  ])('rejects %s with %s', (input, code, ai) => {
    expect(() => elementsOf(input)).toThrow(expect.objectContaining({ code, ai }) as Error);
  });

  it('accepts day 00 in AI (17) and every character of set 82', () => {
    const all82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
    const elements = [
      { ai: '01', value: '09506000134352' },
      { ai: '17', value: '260200' },
      { ai: '91', value: all82 },
    ];
    expect(elementsOf(formatElementString(elements, { form: 'raw' }))).toEqual(elements);
  });

  it('enforces AI associations and exclusions', () => {
    expect(() => elementsOf('(21)XYZ')).toThrow('AI (21) requires (01) or (03) or (8006)');
    expect(() => elementsOf('(254)1')).toThrow(
      expect.objectContaining({ code: 'SYNTAX', ai: '254' }) as Error,
    );
    expect(() => elementsOf('(01)09506000134352(02)09506000134352')).toThrow(/must not appear together/);
    expect(() => elementsOf('(01)09506000134352(21)A(21)B')).toThrow(/appears twice/);
    expect(elementsOf('(414)0614141000012(254)A1')).toHaveLength(2);
  });
});

describe('round trips', () => {
  const anyIdentifier = fc.oneof(...Object.values(arbitraryIdentifiers));

  it('raw and bracketed forms parse back to the same elements', () => {
    fc.assert(
      fc.property(anyIdentifier, text82(1, 20), ({ elements }, extra) => {
        const withExtra = [...elements, { ai: '400', value: extra }];
        const raw = formatElementString(withExtra, { form: 'raw', symbologyIdentifier: ']d2' });
        const bracketed = formatElementString(withExtra);
        expect(parseElementString(raw).elements).toEqual(withExtra);
        expect(parseElementString(bracketed).elements).toEqual(withExtra);
      }),
    );
  });
});

describe('group separator notations', () => {
  const scanned = (separator: string) => `]d201095060001343521726123110ABC${separator}21XYZ`;

  it.each(['\\x1d', '\\x1D', '\\u001d', '\\u001D', '<GS>', '<gs>', '{GS}', '[GS]', '^]', '\u241d'])(
    'reads %s as the group separator',
    (notation) => {
      expect(hasGroupSeparatorNotation(scanned(notation))).toBe(true);
      expect(replaceGroupSeparatorNotations(scanned(notation))).toBe(scanned(GS));
      expect(parseElementString(replaceGroupSeparatorNotations(scanned(notation)), { now }).elements).toEqual(
        [
          { ai: '01', value: '09506000134352' },
          { ai: '17', value: '261231' },
          { ai: '10', value: 'ABC' },
          { ai: '21', value: 'XYZ' },
        ],
      );
    },
  );

  it('leaves other text alone', () => {
    for (const text of ['(01)09506000134352(21)A<B>', '\\x1e', '<G S>', '{GS', ']d2010950600013435221X']) {
      expect(hasGroupSeparatorNotation(text)).toBe(false);
      expect(replaceGroupSeparatorNotations(text)).toBe(text);
    }
  });

  it('is needed: the notations are refused as written', () => {
    for (const notation of ['\\x1d', '\\u001d', '{GS}', '[GS]', '^]']) {
      expect(() => parseElementString(scanned(notation), { now })).toThrow(
        expect.objectContaining({ code: 'CHARSET' }) as Error,
      );
    }
  });
});
