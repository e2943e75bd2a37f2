import { EpcisException } from '../errors';
import type { AnyEpcisDocument } from '../model/documents';

const DOCUMENT_TYPES = ['EPCISDocument', 'EPCISQueryDocument'];

/** Line and column (1-based) of a character offset, for syntax error messages. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function syntaxErrorMessage(text: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(reason);
  if (!position || /\(line \d+ column \d+\)/.test(reason)) return `malformed JSON: ${reason}`;
  const { line, column } = lineAndColumn(text, Number(position[1]));
  return `malformed JSON: ${reason} (line ${line} column ${column})`;
}

/**
 * Parses an EPCIS 2.0 JSON/JSON-LD document (EPCISDocument or EPCISQueryDocument). Checks the JSON syntax and
 * the document type only; use validateEpcisDocument for the full schema and business-rule validation.
 * Throws EpcisException ValidationException with a JSON pointer.
 */
export function parseEpcisJson(text: string): AnyEpcisDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EpcisException('ValidationException', [
      { pointer: '', message: syntaxErrorMessage(text, error) },
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EpcisException('ValidationException', [
      { pointer: '', message: 'an EPCIS document must be a JSON object' },
    ]);
  }
  const type = (parsed as { type?: unknown }).type;
  if (typeof type !== 'string' || !DOCUMENT_TYPES.includes(type)) {
    throw new EpcisException('ValidationException', [
      {
        pointer: '/type',
        message: `document type must be one of ${DOCUMENT_TYPES.join(', ')}, got ${JSON.stringify(type ?? null)}`,
      },
    ]);
  }
  return parsed as AnyEpcisDocument;
}
