import * as path from 'node:path';

/**
 * A file or folder of the GS1 standards artefacts the repository carries in `standards/` (schemas, JSON-LD contexts,
 * XSDs, example documents, event-hash vectors; origins and licences in `standards/README.md`). Resolved from this
 * module's own place — `libs/gs1/src` in tests, `libs/gs1/dist` when built — so it works in a clone and in an image
 * that copies `standards/` beside `libs/`.
 */
export function gs1StandardsPath(...segments: string[]): string {
  return path.resolve(__dirname, '../../../standards', ...segments);
}
