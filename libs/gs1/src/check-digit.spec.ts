import fc from 'fast-check';
import { assertCheckDigit, gs1CheckDigit, hasValidCheckDigit, withCheckDigit } from './check-digit';
import { Gs1Error } from './errors';
import { digits } from '../test/arbitraries';

describe('gs1CheckDigit', () => {
  it.each([
    ['0950600013435', 2],
    ['400638133393', 1], // GTIN-13 4006381333931
    ['03600029145', 2], // GTIN-12 036000291452
    ['9638507', 4], // GTIN-8 96385074
    ['10614141234567890', 8], // SSCC 106141412345678908
    ['061414100001', 2], // GLN 0614141000012
  ])('computes the check digit of %s as %d', (body, expected) => {
    expect(gs1CheckDigit(body)).toBe(expected);
  });

  it('rejects non-digits', () => {
    expect(() => gs1CheckDigit('12A4')).toThrow(Gs1Error);
  });

  it('always validates what withCheckDigit produced', () => {
    fc.assert(fc.property(digits(1, 30), (body) => hasValidCheckDigit(withCheckDigit(body))));
  });

  it('detects every single-digit change', () => {
    fc.assert(
      fc.property(digits(7, 17), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, at, delta) => {
        const valid = withCheckDigit(body);
        const position = at % valid.length;
        const changed = (Number(valid[position]) + delta) % 10;
        const corrupted = valid.slice(0, position) + String(changed) + valid.slice(position + 1);
        return !hasValidCheckDigit(corrupted);
      }),
    );
  });

  it('reports the found and the expected check digit', () => {
    expect(() => assertCheckDigit('09506000134353', 'AI (01) GTIN', '01')).toThrow(
      'AI (01) GTIN check digit is 3, expected 2',
    );
  });
});
