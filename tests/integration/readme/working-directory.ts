import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventHash } from '@pedigree/epcis';
import { REPO_ROOT } from '@pedigree/testing';

/** The files the README's commands name (events.jsonld, event.json, event.jsonld, events.xml). */
export const EXAMPLES = path.join(REPO_ROOT, 'docs/examples');

/** The commissioning event of the examples (packs 2017 and 2018 of GTIN 10614141073464, lot LOT1) and its hash. */
export const COMMISSIONING = JSON.parse(readFileSync(path.join(EXAMPLES, 'event.json'), 'utf8')) as Record<
  string,
  unknown
>;
export const COMMISSIONING_HASH = eventHash(COMMISSIONING);

export interface ReadmeWorkspace {
  /** Holds the three directories below; removed by the test at the end. */
  root: string;
  /** Where the commands run, as a reader runs them in the repository's root (empty until they copy the examples). */
  directory: string;
  /** Put first on PATH: an `npx` that runs the repository's own CLI for `npx pedigree …` and refuses anything else. */
  binDirectory: string;
  /** PEDIGREE_CACHE of the commands: `pedigree token` keeps its dev issuer key pair here. */
  cacheDirectory: string;
}

/** A temporary working directory, an `npx` shim and a cache directory for the README's commands. */
export function createReadmeWorkspace(): ReadmeWorkspace {
  const root = mkdtempSync(path.join(tmpdir(), 'pedigree-readme-'));
  const directory = path.join(root, 'work');
  const binDirectory = path.join(root, 'bin');
  const cacheDirectory = path.join(root, 'cache');
  for (const dir of [directory, binDirectory, cacheDirectory]) mkdirSync(dir);

  const cli = path.join(REPO_ROOT, 'tools/pedigree/bin/pedigree.js');
  const npx = path.join(binDirectory, 'npx');
  writeFileSync(
    npx,
    [
      '#!/usr/bin/env bash',
      '# The README test runs `npx pedigree …` with the repository’s own CLI; nothing else may reach a registry.',
      `if [ "\${1:-}" = pedigree ]; then shift; exec '${process.execPath}' '${cli}' "$@"; fi`,
      'echo "npx (README test): only npx pedigree is available here, not: npx $*" >&2',
      'exit 127',
      '',
    ].join('\n'),
  );
  chmodSync(npx, 0o755);
  return { root, directory, binDirectory, cacheDirectory };
}
