import { validateElement } from './element';
import { Gs1Error } from './errors';

/**
 * GS1 identification keys (GS1 General Specifications §2 and §3), each validated as the AI that carries it
 * (length, character set, check digit; GINC, GIAI and CPID have no check digit).
 */
export type Gs1KeyType =
  | 'GTIN'
  | 'GTIN-8'
  | 'GTIN-12'
  | 'GTIN-13'
  | 'GTIN-14'
  | 'GLN'
  | 'PGLN'
  | 'SSCC'
  | 'GRAI'
  | 'GIAI'
  | 'GDTI'
  | 'GSRN'
  | 'GSRNP'
  | 'GCN'
  | 'SGCN'
  | 'GINC'
  | 'GSIN'
  | 'ITIP'
  | 'CPID';

const KEY_AI: Record<Exclude<Gs1KeyType, `GTIN${string}`>, string> = {
  GLN: '414',
  PGLN: '417',
  SSCC: '00',
  GRAI: '8003',
  GIAI: '8004',
  GDTI: '253',
  GSRN: '8018',
  GSRNP: '8017',
  GCN: '255',
  SGCN: '255',
  GINC: '401',
  GSIN: '402',
  ITIP: '8006',
  CPID: '8010',
};

const GTIN_LENGTHS: Record<string, number[]> = {
  GTIN: [8, 12, 13, 14],
  'GTIN-8': [8],
  'GTIN-12': [12],
  'GTIN-13': [13],
  'GTIN-14': [14],
};

/** A GTIN-8, -12, -13 or -14 as the 14-digit form used in AI (01) and Digital Link; validates it. */
export function normaliseGtin(gtin: string): string {
  validateGs1Key('GTIN', gtin);
  return gtin.padStart(14, '0');
}

/** Throws a Gs1Error explaining why `value` is not a valid key of type `type`. */
export function validateGs1Key(type: Gs1KeyType, value: string): void {
  const gtinLengths = GTIN_LENGTHS[type];
  if (gtinLengths !== undefined) {
    if (!gtinLengths.includes(value.length)) {
      throw new Gs1Error(
        'LENGTH',
        `${type} has length ${value.length}, expected ${gtinLengths.join(', ')}`,
        '01',
      );
    }
    validateElement({ ai: '01', value: value.padStart(14, '0') });
    return;
  }
  const ai = KEY_AI[type as keyof typeof KEY_AI];
  if (type === 'SGCN' && value.length <= 13) {
    throw new Gs1Error('LENGTH', `SGCN needs a serial component after the 13-digit GCN`, ai);
  }
  validateElement({ ai, value });
}

export function isValidGs1Key(type: Gs1KeyType, value: string): boolean {
  try {
    validateGs1Key(type, value);
    return true;
  } catch {
    return false;
  }
}
