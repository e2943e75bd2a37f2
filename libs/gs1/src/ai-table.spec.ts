import { aiAtStartOf, allAiDefinitions, impliedDecimals, lookupAi } from './ai-table';

describe('AI table', () => {
  const required = [
    '00',
    '01',
    '02',
    '10',
    '11',
    '12',
    '13',
    '15',
    '16',
    '17',
    '20',
    '21',
    '22',
    '235',
    '240',
    '241',
    '250',
    '251',
    '253',
    '254',
    '255',
    '30',
    '37',
    '400',
    '401',
    '402',
    '403',
    '410',
    '411',
    '412',
    '413',
    '414',
    '415',
    '416',
    '417',
    '422',
    '7003',
    '710',
    '711',
    '712',
    '713',
    '714',
    '715',
    '716',
    '8003',
    '8004',
    '8006',
    '8010',
    '8011',
    '8017',
    '8018',
    '8020',
  ];

  it.each(required)('defines AI (%s)', (ai) => {
    expect(lookupAi(ai)?.ai).toBe(ai);
  });

  it('describes fixed-length, check-digit keys of predefined length', () => {
    expect(lookupAi('414')).toMatchObject({ fixedLength: 13, fnc1Required: false, hasCheckDigit: true });
    expect(lookupAi('01')).toMatchObject({
      title: 'GTIN',
      fixedLength: 14,
      fnc1Required: false,
      hasCheckDigit: true,
      isDate: false,
    });
    expect(lookupAi('00')).toMatchObject({ fixedLength: 18, fnc1Required: false, hasCheckDigit: true });
    expect(lookupAi('17')).toMatchObject({ fixedLength: 6, fnc1Required: false, isDate: true });
  });

  it('marks fixed-length AIs outside the predefined-length table as needing FNC1', () => {
    expect(lookupAi('422')).toMatchObject({ fixedLength: 3, fnc1Required: true });
    expect(lookupAi('402')).toMatchObject({ fixedLength: 17, fnc1Required: true, hasCheckDigit: true });
    expect(lookupAi('8006')).toMatchObject({ fixedLength: 18, fnc1Required: true });
    expect(lookupAi('7003')).toMatchObject({ fixedLength: 10, fnc1Required: true, isDate: true });
  });

  it('describes variable-length AIs with their character set', () => {
    expect(lookupAi('10')).toMatchObject({ minLength: 1, maxLength: 20, fnc1Required: true });
    expect(lookupAi('10')?.fixedLength).toBeUndefined();
    expect(lookupAi('8010')?.components[0].charset).toBe('Y');
    expect(lookupAi('21')?.components[0].charset).toBe('X');
    expect(lookupAi('253')).toMatchObject({ minLength: 13, maxLength: 30, hasCheckDigit: true });
  });

  it('generates the measure AIs 310n-369n with n = 0-5', () => {
    expect(lookupAi('3103')).toMatchObject({ title: 'NET WEIGHT (kg)', fixedLength: 6, fnc1Required: false });
    expect(lookupAi('3695')?.title).toBe('VOLUME (yd3), log');
    expect(lookupAi('3106')).toBeUndefined();
    expect(lookupAi('3170')).toBeUndefined();
    expect(impliedDecimals('3103')).toBe(3);
    expect(impliedDecimals('01')).toBeUndefined();
  });

  it('is prefix-free, so a raw element string has one reading', () => {
    const ais = allAiDefinitions().map((d) => d.ai);
    for (const a of ais) {
      for (const b of ais) {
        if (a !== b) expect(b.startsWith(a)).toBe(false);
      }
    }
  });

  it('finds the AI at the start of raw data', () => {
    expect(aiAtStartOf('0109506000134352')?.ai).toBe('01');
    expect(aiAtStartOf('3103000189')?.ai).toBe('3103');
    expect(aiAtStartOf('8006123')?.ai).toBe('8006');
    expect(aiAtStartOf('2351234')?.ai).toBe('235');
    expect(aiAtStartOf('0500')).toBeUndefined();
  });
});
