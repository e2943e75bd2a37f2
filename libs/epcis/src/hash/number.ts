/**
 * CBV 2.0 event hash number rule: numeric values without trailing zeros, without a redundant sign or
 * leading zeros and without quotes, so that `1`, `1.0`, `+1`, `01` and `1e0` all read `1`.
 */
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_DIGITS = /^[+-]?\d+$/;

/** The canonical text of a JSON number. */
export function canonicalNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  // Safe integers print without exponent; larger ones are written out in full.
  if (Number.isSafeInteger(value)) return String(value);
  if (Number.isInteger(value)) return BigInt(value).toString();
  if (Math.abs(value) < 1e-4) {
    // Very small magnitudes are written in scientific notation with a two-digit exponent (5e-05),
    // as the reference implementation of the algorithm writes them.
    const [mantissa, exponent] = value.toExponential().split('e');
    const digits = exponent.slice(1).padStart(2, '0');
    return `${mantissa}e${exponent[0]}${digits}`;
  }
  return String(value);
}

/** The canonical text of a string that is a decimal number, or undefined when it is not one. */
export function canonicalNumericString(value: string): string | undefined {
  if (!DECIMAL_NUMBER.test(value)) return undefined;
  // Integers are normalised exactly, whatever their length.
  if (INTEGER_DIGITS.test(value)) return BigInt(value).toString();
  return canonicalNumber(Number(value));
}
