/**
 * Which binding a captured text uses, from its first significant character: `<` is XML, anything else
 * (normally `{` or `[`) is treated as JSON / JSON-LD. A leading byte-order mark and whitespace are skipped.
 */
export function detectEpcisFormat(text: string): 'json' | 'xml' {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  return start.startsWith('<') ? 'xml' : 'json';
}
