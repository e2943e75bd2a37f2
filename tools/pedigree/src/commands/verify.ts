import type { Command } from 'commander';
import type { PackAnswer } from '@pedigree/contracts';
import { replaceGroupSeparatorNotations } from '@pedigree/gs1';
import { ExitCode, type CliIo } from '../io';

interface VerifyOptions {
  gtin?: string;
  serial?: string;
  lot?: string;
  exp?: string;
  location?: string;
  api: string;
  token?: string;
}

/**
 * The request a verify invocation makes: a scanned code goes to POST /verifications, typed fields to POST /packs/verify.
 * The group separator written as text in the code (`\x1d`, `\u001d`, `<GS>`, `{GS}`, `[GS]`, `^]`) is sent as ASCII 29,
 * since a shell user cannot easily type it.
 */
export function verificationRequest(
  code: string | undefined,
  options: VerifyOptions,
): { path: string; body: Record<string, string> } {
  if (code !== undefined) {
    if (options.gtin !== undefined || options.serial !== undefined)
      throw new Error('give either a code or --gtin/--serial, not both');
    return {
      path: '/verifications',
      body: {
        code: replaceGroupSeparatorNotations(code),
        ...(options.location ? { location: options.location } : {}),
      },
    };
  }
  if (options.gtin === undefined || options.serial === undefined)
    throw new Error('give a Digital Link, an element string or raw DataMatrix text, or --gtin and --serial');
  const body: Record<string, string> = { gtin: options.gtin, serial: options.serial };
  if (options.lot !== undefined) body.lot = options.lot;
  if (options.exp !== undefined) body.expiry = options.exp;
  if (options.location !== undefined) body.location = options.location;
  return { path: '/packs/verify', body };
}

function summary(answer: PackAnswer): string {
  const pack = answer.pack;
  const lines = [
    `${answer.data?.verified ? 'VERIFIED' : 'NOT VERIFIED'}  ${answer.returnCode ?? ''}${answer.message ? ` (${answer.message})` : ''}`,
    pack
      ? `pack      GTIN ${pack.gtin}  serial ${pack.serial}${pack.lot ? `  lot ${pack.lot}` : ''}${pack.expiry ? `  expiry ${pack.expiry}` : ''}`
      : '',
    pack?.state
      ? `state     ${pack.state}${pack.expired ? ', expired' : ''}${pack.recalled ? ', recalled' : ''}${pack.suspect ? ', SUSPECT' : ''}`
      : '',
    answer.data?.verificationFailureReason ? `reason    ${answer.data.verificationFailureReason}` : '',
    answer.data?.additionalInfo ? `info      ${answer.data.additionalInfo}` : '',
    answer.alert ? `ALERT     ${answer.alert.code} (alert id ${answer.alert.alertId})` : '',
  ];
  return lines.filter((line) => line.length > 0).join('\n') + '\n';
}

export function registerVerifyCommand(program: Command, io: CliIo, fetchImpl: typeof fetch = fetch): void {
  program
    .command('verify')
    .description(
      'Verify a pack with the serialization service: a GS1 Digital Link, an element string or the raw DataMatrix text, ' +
        'or --gtin/--serial (--lot, --exp). Exit 0 verified and no alert, 1 not verified or an alert, 2 usage or service error.',
    )
    .argument(
      '[code]',
      'Digital Link URI, element string such as (01)…(21)…, or raw DataMatrix text ' +
        '(group separator as \\x1d, \\u001d, <GS>, {GS}, [GS] or ^])',
    )
    .option('--gtin <gtin>', 'GTIN-14')
    .option('--serial <serial>', 'serial number (AI 21)')
    .option('--lot <lot>', 'lot/batch (AI 10)')
    .option('--exp <date>', 'expiry as YYMMDD (AI 17) or YYYY-MM-DD')
    .option('--location <gln>', 'GLN of the premises (default: the party of the token)')
    .option(
      '--api <url>',
      'serialization service base URL',
      process.env.PEDIGREE_API ?? 'http://localhost:3001',
    )
    .option(
      '--token <token>',
      'access token (default $PEDIGREE_TOKEN; `pedigree token` prints one)',
      process.env.PEDIGREE_TOKEN,
    )
    .option('--json', 'print the whole answer as JSON')
    .action(async (code: string | undefined, options: VerifyOptions & { json?: boolean }) => {
      let request;
      try {
        request = verificationRequest(code, options);
      } catch (error) {
        io.stderr(`pedigree verify: ${(error as Error).message}\n`);
        throw new ExitCode(2);
      }
      if (!options.token) {
        io.stderr(
          'pedigree verify: give --token or set PEDIGREE_TOKEN (pedigree token --party <GLN> --role dispenser)\n',
        );
        throw new ExitCode(2);
      }
      let response: Response;
      try {
        response = await fetchImpl(`${options.api.replace(/\/+$/, '')}${request.path}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.token}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(request.body),
        });
      } catch (error) {
        io.stderr(`pedigree verify: cannot reach ${options.api}: ${(error as Error).message}\n`);
        throw new ExitCode(2);
      }
      const text = await response.text();
      if (response.status !== 200) {
        io.stderr(`pedigree verify: ${response.status} ${text}\n`);
        throw new ExitCode(2);
      }
      const answer = JSON.parse(text) as PackAnswer;
      io.stdout(options.json ? `${JSON.stringify(answer, null, 2)}\n` : summary(answer));
      if (!answer.data?.verified || answer.alert !== undefined) throw new ExitCode(1);
    });
}
