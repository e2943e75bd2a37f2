import type { Command } from 'commander';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  InvalidClaimsError,
  MAX_TOKEN_LIFETIME_SECONDS,
  ROLES,
  devIssuerDirectory,
  ensureDevIssuerKeys,
  parseTtl,
  signAccessToken,
  type Role,
} from '@pedigree/auth';
import { ExitCode, type CliIo } from '../io';

interface TokenOptions {
  party: string;
  role: string[];
  gcp: string[];
  ttl: string;
  audience: string;
  issuer: string;
  subject?: string;
  keyDir?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerTokenCommand(program: Command, io: CliIo): void {
  program
    .command('token')
    .description(
      'Print an access token signed by the local dev issuer (its ES256 key pair is created on first use; ' +
        'services verify it with AUTH_DEV_PUBLIC_JWK_FILE=<key dir>/public.jwk.json)',
    )
    .requiredOption('--party <gln>', 'GLN of the party the token acts for')
    .option('--role <role>', `a role of the party, repeatable: ${ROLES.join(', ')}`, collect, [])
    .option('--gcp <prefix>', 'a GS1 Company Prefix the party owns, repeatable', collect, [])
    .option(
      '--ttl <duration>',
      'lifetime: seconds, or with a unit as in 30m, 8h, 1d (services accept at most AUTH_MAX_TOKEN_LIFETIME_SECONDS, 24 h by default)',
      '8h',
    )
    .option('--audience <aud>', 'the "aud" claim', DEV_AUDIENCE)
    .option('--issuer <iss>', 'the "iss" claim', DEV_ISSUER)
    .option('--subject <sub>', 'the "sub" claim (default dev:<party>)')
    .option('--key-dir <dir>', 'where the dev issuer key pair is kept (default $PEDIGREE_CACHE/dev-issuer)')
    .action(async (options: TokenOptions) => {
      const usageError = (message: string) => {
        io.stderr(`pedigree token: ${message}\n`);
        return new ExitCode(2);
      };
      if (options.role.length === 0) throw usageError(`give at least one --role (${ROLES.join(', ')})`);
      const ttlSeconds = parseTtl(options.ttl);
      if (ttlSeconds === undefined)
        throw usageError(`--ttl must be seconds or a number with s, m, h or d, got "${options.ttl}"`);
      if (ttlSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
        io.stderr(
          `pedigree token: a lifetime over ${MAX_TOKEN_LIFETIME_SECONDS} s is refused by services unless their ` +
            `AUTH_MAX_TOKEN_LIFETIME_SECONDS allows it\n`,
        );
      }
      const keys = await ensureDevIssuerKeys(options.keyDir ?? devIssuerDirectory());
      const claims = {
        sub: options.subject ?? `dev:${options.party}`,
        party: options.party,
        roles: options.role as Role[], // signAccessToken checks every claim
        gcp: options.gcp,
      };
      try {
        const token = await signAccessToken(claims, keys.privateJwk, {
          issuer: options.issuer,
          audience: options.audience,
          ttlSeconds,
        });
        io.stdout(`${token}\n`);
      } catch (error) {
        if (error instanceof InvalidClaimsError) throw usageError(error.message);
        throw error;
      }
    });
}
