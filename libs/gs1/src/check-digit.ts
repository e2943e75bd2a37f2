import { Gs1Error } from './errors';

const ZERO = '0'.charCodeAt(0);

/**
 * GS1 mod-10 check digit (GS1 General Specifications §7.9.1) of a digit string given WITHOUT its check
 * digit: weights 3 and 1 alternate from the rightmost digit, the check digit brings the sum to a multiple of 10.
 */
export function gs1CheckDigit(digitsWithoutCheckDigit: string): number {
  if (!/^[0-9]+$/.test(digitsWithoutCheckDigit)) {
    throw new Gs1Error(
      'CHARSET',
      `A GS1 check digit is computed over digits only, got "${digitsWithoutCheckDigit}"`,
    );
  }
  let sum = 0;
  const digits = digitsWithoutCheckDigit;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (digits.charCodeAt(i) - ZERO) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `digits` is the GS1 check digit of the ones before it. */
export function hasValidCheckDigit(digits: string): boolean {
  if (!/^[0-9]{2,}$/.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === Number(digits[digits.length - 1]);
}

/** Throws a CHECK_DIGIT error naming the AI and both digits when the last digit is wrong. */
export function assertCheckDigit(digits: string, label: string, ai?: string): void {
  const expected = gs1CheckDigit(digits.slice(0, -1));
  const actual = Number(digits[digits.length - 1]);
  if (expected !== actual) {
    throw new Gs1Error('CHECK_DIGIT', `${label} check digit is ${actual}, expected ${expected}`, ai);
  }
}

/** Appends the GS1 check digit to a digit string. */
export function withCheckDigit(digitsWithoutCheckDigit: string): string {
  return digitsWithoutCheckDigit + String(gs1CheckDigit(digitsWithoutCheckDigit));
}
