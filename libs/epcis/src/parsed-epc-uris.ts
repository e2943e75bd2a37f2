import { parseEpcUri, type ParsedEpcUri } from '@pedigree/gs1';

/**
 * The EPC URIs parsed most recently. Validation parses every EPC URI of a document and the event hash
 * needs the same URIs again right after, so each is parsed once for both. The window is bounded: it is
 * emptied when full, which costs at most one more parse per URI.
 */
const WINDOW = 4096;
const recentlyParsed = new Map<string, ParsedEpcUri>();

/** Like parseEpcUri (and throwing like it); the result is shared, so it must not be changed. */
export function parsedEpcUri(uri: string): ParsedEpcUri {
  let parsed = recentlyParsed.get(uri);
  if (parsed === undefined) {
    parsed = parseEpcUri(uri);
    if (recentlyParsed.size >= WINDOW) recentlyParsed.clear();
    recentlyParsed.set(uri, parsed);
  }
  return parsed;
}
