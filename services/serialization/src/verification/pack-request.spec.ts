import { PackRequestError, parseScan } from './pack-request';

const now = new Date('2025-06-15T00:00:00Z');
const scan = (code: string) => parseScan({ code }, now);

function refusal(code: string): string {
  try {
    scan(code);
  } catch (error) {
    if (error instanceof PackRequestError) return error.message;
    throw error;
  }
  throw new Error(`${code} was accepted`);
}

const pack = { gtin: '10614141073464', serial: '2017', lot: 'LOT1', expiry: '2028-12-31' };

describe('parseScan (POST /verifications)', () => {
  it('reads raw DataMatrix text with the group separator', () => {
    expect(scan(']d201106141410734641728123110LOT1\u001d212017')).toEqual(pack);
  });

  it.each(['\\x1d', '\\u001d', '\\u001D', '{GS}', '[GS]', '^]', '\u241d'])(
    'reads the group separator written as %s (never valid as it stands)',
    (notation) => {
      expect(scan(`]d201106141410734641728123110LOT1${notation}212017`)).toEqual(pack);
    },
  );

  it('reads <GS> as the group separator when the text is no valid code as written', () => {
    // As text, the lot would be "BATCH-2028-A<GS>21SERIAL0001": 28 characters, (10) allows 20.
    expect(scan(']d2011061414107346410BATCH-2028-A<GS>21SERIAL0001')).toEqual({
      gtin: '10614141073464',
      serial: 'SERIAL0001',
      lot: 'BATCH-2028-A',
    });
  });

  it('reads <GS> as text when only that reading is valid', () => {
    // As separators the serial would be followed by "A", which is no AI.
    expect(scan(']d2011061414107346421S<GS>A')).toEqual({ gtin: '10614141073464', serial: 'S<GS>A' });
  });

  it('refuses a code that is valid with <GS> as text and as the group separator', () => {
    expect(refusal(']d2011061414107346421ABC<GS>10LOT1')).toBe(
      'the code is ambiguous: it is valid both with "<GS>" as text and with "<GS>" as the group separator; ' +
        'send the group separator as the character ASCII 29 (\\u001d in JSON)',
    );
  });

  it('refuses a code that is invalid either way, with the reason', () => {
    expect(refusal(']d20110614141073464\\x1d21')).toBe('AI (21) SERIAL has length 0, expected 1-20');
    expect(refusal(']d20110614141073464{GS}21A B')).toContain('AI (21) SERIAL contains " "');
  });

  it('reads a sloppy Digital Link (scheme case, GTIN-13, trailing "/") as scanned input', () => {
    expect(scan('HTTPS://id.gs1.org/01/10614141073464/10/LOT1/21/2017?17=281231')).toEqual(pack);
    expect(scan('Https://id.gs1.org/01/10614141073464/10/LOT1/21/2017/?17=281231')).toEqual(pack);
    expect(scan('https://id.gs1.org/01/4006381333931/21/S1')).toEqual({
      gtin: '04006381333931',
      serial: 'S1',
    });
  });

  it('keeps the rest of the Digital Link syntax strict', () => {
    expect(refusal('https://id.gs1.org/01/10614141073464?21=2017')).toContain(
      'AI (21) is a key qualifier of (01) and must be in the path',
    );
  });
});
