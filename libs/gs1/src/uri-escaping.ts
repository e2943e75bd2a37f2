import { CHARSET_NAMES, firstInvalidCharacter, Gs1Charset } from './charsets';
import { Gs1Error } from './errors';

/**
 * Escaping of AI values in URIs.
 *
 * EPC URIs (EPC Tag Data Standard §5, "GS3A3" components): characters of set 82 that are not allowed
 * literally are written as %-escapes: `"` %22, `%` %25, `&` %26, `/` %2F, `<` %3C, `>` %3E, `?` %3F.
 * CPI part references (set 39) escape `#` as %23 and `/` as %2F.
 *
 * GS1 Digital Link (§6.5): every character that is not URI-unreserved (A-Z a-z 0-9 - . _ ~) is percent-encoded.
 */
const EPC_ESCAPED = new Set(['"', '%', '&', '/', '<', '>', '?', '#']);
const HAS_EPC_ESCAPED = /["%&/<>?#]/;
const DL_UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const ALL_DL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
/** What an EPC URI component may hold literally besides %-escapes: GS3A3 (set 82) and CPI (set 39) components. */
const GS3A3_LITERAL = /^[!'()*+,\-.0-9:;=A-Z_a-z%]*$/;
const CPI_LITERAL = /^[-0-9A-Z%]*$/;

function hexEscape(ch: string): string {
  return `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Replaces %XX escapes; throws SYNTAX on a malformed escape. */
export function percentDecode(text: string, context: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/%(..)?/g, (_match, hex: string | undefined) => {
    if (hex === undefined || !/^[0-9A-Fa-f]{2}$/.test(hex)) {
      throw new Gs1Error('SYNTAX', `${context}: malformed %-escape in "${text}"`);
    }
    return String.fromCharCode(parseInt(hex, 16));
  });
}

export function escapeEpcComponent(value: string): string {
  if (!HAS_EPC_ESCAPED.test(value)) return value;
  return [...value].map((ch) => (EPC_ESCAPED.has(ch) ? hexEscape(ch) : ch)).join('');
}

/**
 * Decodes an EPC URI component and checks the result is in the given character set
 * (X for GS3A3 components, Y for CPI part references).
 */
export function unescapeEpcComponent(component: string, charset: Gs1Charset, context: string): string {
  if (!(charset === 'Y' ? CPI_LITERAL : GS3A3_LITERAL).test(component)) {
    throw new Gs1Error(
      'CHARSET',
      `${context}: "${component}" contains characters that must be %-escaped or are not allowed`,
    );
  }
  const decoded = percentDecode(component, context);
  const bad = firstInvalidCharacter(decoded, charset);
  if (bad !== undefined) {
    throw new Gs1Error('CHARSET', `${context}: "${bad}" is not allowed (${CHARSET_NAMES[charset]})`);
  }
  return decoded;
}

export function encodeDigitalLinkValue(value: string): string {
  if (ALL_DL_UNRESERVED.test(value)) return value;
  return [...value].map((ch) => (DL_UNRESERVED.test(ch) ? ch : hexEscape(ch))).join('');
}

export function decodeDigitalLinkValue(value: string, context: string): string {
  return percentDecode(value, context);
}
