import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  Gs1Error,
  parseAnyIdentifier,
  replaceGroupSeparatorNotations,
  type CompanyPrefixLengthEntry,
} from '@pedigree/gs1';
import { ExitCode, type CliIo } from '../io';

export function registerGs1Commands(program: Command, io: CliIo): void {
  const gs1 = program
    .command('gs1')
    .description('GS1 identifiers: EPC URIs, Digital Link URIs, element strings');
  gs1
    .command('parse')
    .description('Parse an identifier in any of the three forms and print every form as JSON')
    .argument(
      '<identifier>',
      'EPC URI, GS1 Digital Link URI, bracketed element string or raw scanner data ("-" reads stdin); ' +
        'the group separator may be written \\x1d, \\u001d, <GS>, {GS}, [GS] or ^]',
    )
    .option(
      '--gcp-length <n>',
      'GS1 company prefix length, needed to make EPC URIs from Digital Link / element strings',
    )
    .option(
      '--prefix-table <file>',
      'JSON array of {"prefix","length"} company-prefix lengths (longest prefix wins)',
    )
    .action(async (identifier: string, options: { gcpLength?: string; prefixTable?: string }) => {
      // A shell user cannot easily type ASCII 29: its written notations always stand for it here.
      const typed = identifier === '-' ? (await io.readStdin()).replace(/\r?\n$/, '') : identifier;
      const input = replaceGroupSeparatorNotations(typed);
      const prefixLengths = options.prefixTable
        ? (JSON.parse(await readFile(options.prefixTable, 'utf8')) as CompanyPrefixLengthEntry[])
        : undefined;
      try {
        const description = parseAnyIdentifier(input, {
          gcpLength: options.gcpLength === undefined ? undefined : Number(options.gcpLength),
          prefixLengths,
        });
        io.stdout(`${JSON.stringify(description, null, 2)}\n`);
      } catch (error) {
        if (!(error instanceof Gs1Error)) throw error;
        io.stderr(`${JSON.stringify({ error: error.code, ai: error.ai, message: error.message })}\n`);
        throw new ExitCode(1);
      }
    });
}
