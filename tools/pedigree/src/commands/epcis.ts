import type { Command } from 'commander';
import {
  detectEpcisFormat,
  documentEventHashes,
  documentEvents,
  eventPreHashString,
  EpcisException,
  namespacesFromJsonLdContext,
  parseEpcisJson,
  parseEpcisXml,
  toEpcisXml,
  validateEpcisDocument,
  type AnyEpcisDocument,
  type EpcisProblem,
} from '@pedigree/epcis';
import { ExitCode, readInput, type CliIo } from '../io';

/** Reads and parses an EPCIS document in JSON-LD or XML (2.0 or 1.2), whichever the text is. */
async function readDocument(io: CliIo, file: string): Promise<AnyEpcisDocument> {
  const text = await readInput(io, file);
  return detectEpcisFormat(text) === 'xml' ? await parseEpcisXml(text) : parseEpcisJson(text);
}

function problemLines(type: string, problems: readonly EpcisProblem[]): string {
  return problems
    .map((p) => `${JSON.stringify({ type, severity: 'error', pointer: p.pointer, message: p.message })}\n`)
    .join('');
}

function warningLines(warnings: readonly EpcisProblem[]): string {
  return warnings
    .map((p) => `${JSON.stringify({ severity: 'warning', pointer: p.pointer, message: p.message })}\n`)
    .join('');
}

/** Runs `work`; an EPCIS exception is printed as JSON lines and ends the command with exit code 1. */
async function reportingEpcisErrors(io: CliIo, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof EpcisException)) throw error;
    io.stderr(problemLines(error.problemType, error.problems));
    throw new ExitCode(1);
  }
}

export function registerEpcisCommands(program: Command, io: CliIo): void {
  const epcis = program.command('epcis').description('EPCIS 2.0 / 1.2 documents in JSON-LD or XML');

  epcis
    .command('validate')
    .description(
      'Validate against the GS1 EPCIS 2.0 JSON schema and the EPCIS/CBV rules; errors and warnings are printed as JSON lines (exit 0 valid, possibly with warnings; 1 invalid; 2 unreadable)',
    )
    .argument('<file>', 'EPCIS document, JSON-LD or XML ("-" reads stdin)')
    .option('--strict', 'treat warnings as errors (exit 1 when there are any)')
    .action((file: string, options: { strict?: boolean }) =>
      reportingEpcisErrors(io, async () => {
        const result = validateEpcisDocument(await readDocument(io, file), {
          strict: options.strict ?? false,
        });
        io.stdout(problemLines('epcisException:ValidationException', result.problems));
        io.stdout(warningLines(result.warnings));
        if (!result.valid) throw new ExitCode(1);
        io.stdout('valid\n');
      }),
    );

  epcis
    .command('hash')
    .description(
      'Print the GS1 CBV 2.0 event hash ID (ni:///sha-256;…?ver=CBV2.0) of each event, in document order',
    )
    .argument('<file>', 'EPCIS document, JSON-LD or XML ("-" reads stdin)')
    .option('--prehash', 'print the canonical pre-hash strings instead of the hashes')
    .action((file: string, options: { prehash?: boolean }) =>
      reportingEpcisErrors(io, async () => {
        const document = await readDocument(io, file);
        const record = document as unknown as Record<string, unknown>;
        const lines = options.prehash
          ? documentEvents(document).map((event) =>
              eventPreHashString(
                event as unknown as Record<string, unknown>,
                namespacesFromJsonLdContext(record['@context']),
              ),
            )
          : documentEventHashes(record);
        io.stdout(lines.map((line) => `${line}\n`).join(''));
      }),
    );

  epcis
    .command('convert')
    .description('Convert a document (JSON-LD, XML 2.0 or XML 1.2) to EPCIS 2.0 JSON-LD or EPCIS 2.0 XML')
    .requiredOption('--to <format>', 'jsonld or xml')
    .argument('<file>', 'EPCIS document ("-" reads stdin)')
    .action((file: string, options: { to: string }) =>
      reportingEpcisErrors(io, async () => {
        if (options.to !== 'jsonld' && options.to !== 'xml') {
          io.stderr(`--to must be jsonld or xml (got "${options.to}")\n`);
          throw new ExitCode(2);
        }
        const document = await readDocument(io, file);
        io.stdout(
          options.to === 'xml' ? `${toEpcisXml(document)}\n` : `${JSON.stringify(document, null, 2)}\n`,
        );
      }),
    );
}
