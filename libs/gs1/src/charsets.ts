/**
 * GS1 character sets (GS1 General Specifications §7.11): set 82 (the "X" format, the GS1 AI encodable
 * character set) and set 39 (the "Y" format, used by CPID).
 */
const CHARSET_82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
const CHARSET_39 = /^[#\-/0-9A-Z]*$/;
const DIGITS = /^[0-9]*$/;

export type Gs1Charset = 'N' | 'X' | 'Y';

export const CHARSET_NAMES: Record<Gs1Charset, string> = {
  N: 'digits 0-9',
  X: 'GS1 AI encodable character set 82',
  Y: 'GS1 AI encodable character set 39',
};

export function isInCharset(value: string, charset: Gs1Charset): boolean {
  switch (charset) {
    case 'N':
      return DIGITS.test(value);
    case 'X':
      return CHARSET_82.test(value);
    case 'Y':
      return CHARSET_39.test(value);
  }
}

/** The first character of `value` that is outside `charset`, or undefined. */
export function firstInvalidCharacter(value: string, charset: Gs1Charset): string | undefined {
  if (isInCharset(value, charset)) return undefined;
  return [...value].find((ch) => !isInCharset(ch, charset));
}

export function isDigits(value: string): boolean {
  return value.length > 0 && DIGITS.test(value);
}
