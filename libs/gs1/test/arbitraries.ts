import fc from 'fast-check';
import { withCheckDigit } from '../src/check-digit';
import { Gs1Element } from '../src/element';

/** fast-check arbitraries for valid GS1 identifiers; used by the property tests only. */
export const CHARSET_82_CHARS = [
  ...'!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz',
];
export const CHARSET_39_CHARS = [...'#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

export function digits(minLength: number, maxLength = minLength): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });
}

export function text82(minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...CHARSET_82_CHARS), minLength, maxLength });
}

export interface GeneratedIdentifier {
  scheme: string;
  gcpLength: number;
  elements: Gs1Element[];
}

const gcpLength = fc.integer({ min: 6, max: 12 });

function keyed(
  scheme: string,
  build: (l: number) => fc.Arbitrary<Gs1Element[]>,
): fc.Arbitrary<GeneratedIdentifier> {
  return gcpLength.chain((l) => build(l).map((elements) => ({ scheme, gcpLength: l, elements })));
}

const gtin = digits(13).map(withCheckDigit);

export const arbitraryIdentifiers: Record<string, fc.Arbitrary<GeneratedIdentifier>> = {
  sgtin: keyed('sgtin', () =>
    fc.tuple(gtin, text82(1, 20)).map(([g, s]) => [
      { ai: '01', value: g },
      { ai: '21', value: s },
    ]),
  ),
  lgtin: keyed('lgtin', () =>
    fc.tuple(gtin, text82(1, 20)).map(([g, lot]) => [
      { ai: '01', value: g },
      { ai: '10', value: lot },
    ]),
  ),
  sscc: keyed('sscc', () => digits(17).map((d) => [{ ai: '00', value: withCheckDigit(d) }])),
  sgln: keyed('sgln', () =>
    fc
      .tuple(
        digits(12),
        fc.option(
          text82(1, 20).filter((e) => e !== '0'),
          { nil: undefined },
        ),
      )
      .map(([d, ext]) => [
        { ai: '414', value: withCheckDigit(d) },
        ...(ext === undefined ? [] : [{ ai: '254', value: ext }]),
      ]),
  ),
  pgln: keyed('pgln', () => digits(12).map((d) => [{ ai: '417', value: withCheckDigit(d) }])),
  grai: keyed('grai', () =>
    fc.tuple(digits(12), text82(1, 16)).map(([d, s]) => [{ ai: '8003', value: withCheckDigit(`0${d}`) + s }]),
  ),
  giai: keyed('giai', (l) =>
    fc.tuple(digits(l), text82(1, 30 - l)).map(([gcp, ref]) => [{ ai: '8004', value: gcp + ref }]),
  ),
  gdti: keyed('gdti', () =>
    fc.tuple(digits(12), text82(1, 17)).map(([d, s]) => [{ ai: '253', value: withCheckDigit(d) + s }]),
  ),
  gsrn: keyed('gsrn', () => digits(17).map((d) => [{ ai: '8018', value: withCheckDigit(d) }])),
  gsrnp: keyed('gsrnp', () => digits(17).map((d) => [{ ai: '8017', value: withCheckDigit(d) }])),
  sgcn: keyed('sgcn', () =>
    fc.tuple(digits(12), digits(1, 12)).map(([d, s]) => [{ ai: '255', value: withCheckDigit(d) + s }]),
  ),
  ginc: keyed('ginc', (l) =>
    fc.tuple(digits(l), text82(1, 30 - l)).map(([gcp, ref]) => [{ ai: '401', value: gcp + ref }]),
  ),
  gsin: keyed('gsin', () => digits(16).map((d) => [{ ai: '402', value: withCheckDigit(d) }])),
  cpi: keyed('cpi', (l) =>
    fc
      .tuple(
        digits(l),
        fc.string({ unit: fc.constantFrom(...CHARSET_39_CHARS), minLength: 1, maxLength: 30 - l }),
        fc.bigInt({ min: 0n, max: 999_999_999_999n }),
      )
      .map(([gcp, part, serial]) => [
        { ai: '8010', value: gcp + part },
        { ai: '8011', value: String(serial) },
      ]),
  ),
  itip: keyed('itip', () =>
    fc
      .tuple(gtin, fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 99 }), text82(1, 20))
      .map(([g, a, b, serial]) => {
        const [piece, total] = a <= b ? [a, b] : [b, a];
        const pieceOfTotal = `${String(piece).padStart(2, '0')}${String(total).padStart(2, '0')}`;
        return [
          { ai: '8006', value: g + pieceOfTotal },
          { ai: '21', value: serial },
        ];
      }),
  ),
  upui: keyed('upui', () =>
    fc.tuple(gtin, text82(1, 28)).map(([g, tpx]) => [
      { ai: '01', value: g },
      { ai: '235', value: tpx },
    ]),
  ),
};
