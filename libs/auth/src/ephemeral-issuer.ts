import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevIssuerKeys, signAccessToken } from './dev-issuer';
import type { PedigreeClaims } from './principal';

/**
 * A throw-away token issuer (new keys in a temporary directory): the env a service needs to trust it, and tokens it
 * signs. For integration tests and demos; never for production, which verifies against the identity provider's JWKS.
 */
export interface EphemeralIssuer {
  env: { AUTH_DEV_PUBLIC_JWK_FILE: string; AUTH_ISSUER: string; AUTH_AUDIENCE: string };
  token(claims: PedigreeClaims): Promise<string>;
  /** Where its key pair is (what `pedigree token --key-dir` and `pedigree demo load --key-dir` sign with). */
  keyDir: string;
}

export async function createEphemeralIssuer(): Promise<EphemeralIssuer> {
  const keyDir = mkdtempSync(path.join(tmpdir(), 'pedigree-issuer-'));
  const keys = await ensureDevIssuerKeys(keyDir);
  return {
    keyDir,
    env: {
      AUTH_DEV_PUBLIC_JWK_FILE: keys.publicJwkFile,
      AUTH_ISSUER: DEV_ISSUER,
      AUTH_AUDIENCE: DEV_AUDIENCE,
    },
    token: (claims) =>
      signAccessToken(claims, keys.privateJwk, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        ttlSeconds: 3600,
      }),
  };
}
