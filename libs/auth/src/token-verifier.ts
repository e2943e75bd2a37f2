import { readFile } from 'node:fs/promises';
import {
  createRemoteJWKSet,
  errors,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { MAX_TOKEN_LIFETIME_SECONDS, type AuthSettings } from './auth-config';
import { InvalidClaimsError, parsePedigreeClaims, principalFromClaims, type Principal } from './principal';

/** Signature algorithms accepted from an identity provider: asymmetric only (never `none` or a shared secret). */
export const ACCEPTED_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
];

/** The token is missing, malformed, expired, not ours or carries claims we do not accept: answer 401. */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

export interface TokenVerifier {
  /** The principal of a valid access token; throws InvalidTokenError for a token to reject. */
  verify(token: string): Promise<Principal>;
}

type VerificationKey = KeyLike | JWTVerifyGetKey;

/** A verifier against the configured key source: the identity provider's JWKS, or the dev issuer's public JWK file. */
export async function createTokenVerifier(settings: AuthSettings): Promise<TokenVerifier> {
  const { AUTH_JWKS_URL: jwksUrl, AUTH_DEV_PUBLIC_JWK_FILE: publicJwkFile } = settings;
  if (jwksUrl !== undefined && publicJwkFile === undefined)
    return verifierFor(createRemoteJWKSet(new URL(jwksUrl)), settings);
  if (publicJwkFile !== undefined && jwksUrl === undefined)
    return verifierFor(await importPublicJwkFile(publicJwkFile), settings);
  throw new Error('exactly one of AUTH_JWKS_URL and AUTH_DEV_PUBLIC_JWK_FILE must be set');
}

export function verifierFor(
  key: VerificationKey,
  settings: Pick<
    AuthSettings,
    'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'AUTH_CLOCK_TOLERANCE_SECONDS' | 'AUTH_MAX_TOKEN_LIFETIME_SECONDS'
  >,
): TokenVerifier {
  const maxLifetime = settings.AUTH_MAX_TOKEN_LIFETIME_SECONDS ?? MAX_TOKEN_LIFETIME_SECONDS;
  const options = {
    issuer: settings.AUTH_ISSUER,
    audience: settings.AUTH_AUDIENCE,
    clockTolerance: settings.AUTH_CLOCK_TOLERANCE_SECONDS,
    algorithms: ACCEPTED_ALGORITHMS,
    requiredClaims: ['exp', 'iat', 'sub'],
    // Refuses an `iat` in the future (beyond the clock tolerance) and a token issued longer ago than it may live.
    maxTokenAge: maxLifetime,
  };
  // A client sends the same token with every request: its verdict is remembered until the token expires (at most
  // VERIFIED_TOKEN_TTL_MS), so the signature is checked once per token rather than once per request.
  const verified = new Map<string, { principal: Principal; until: number }>();
  return {
    async verify(token) {
      const remembered = verified.get(token);
      if (remembered && Date.now() < remembered.until) return remembered.principal;
      verified.delete(token);
      try {
        // Overloads of jwtVerify differ only in the key type; both branches run the same checks.
        const { payload } =
          typeof key === 'function'
            ? await jwtVerify(token, key, options)
            : await jwtVerify(token, key, options);
        const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
        if (lifetime > maxLifetime) {
          throw new InvalidTokenError(
            `the token's lifetime (exp − iat) of ${lifetime} s is longer than the ${maxLifetime} s accepted`,
          );
        }
        const principal = principalFromClaims(parsePedigreeClaims(payload));
        if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
        verified.set(token, {
          principal,
          until: Math.min((payload.exp ?? 0) * 1000, Date.now() + VERIFIED_TOKEN_TTL_MS),
        });
        return principal;
      } catch (error) {
        throw asInvalidToken(error);
      }
    },
  };
}

const VERIFIED_TOKENS_MAX = 10_000;
const VERIFIED_TOKEN_TTL_MS = 5 * 60 * 1000;

/** Reads the dev issuer's public JWK; refuses a file that holds a private key. */
export async function importPublicJwkFile(file: string): Promise<KeyLike> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(
      `AUTH_DEV_PUBLIC_JWK_FILE ${file} cannot be read (${reason}); run "pedigree token" once to create the local dev issuer`,
    );
  }
  if (jwk.d !== undefined || jwk.kty === 'oct') {
    throw new Error(`AUTH_DEV_PUBLIC_JWK_FILE ${file} holds a private or secret key; give the public JWK`);
  }
  return (await importJWK(jwk, jwk.alg ?? 'ES256')) as KeyLike;
}

/**
 * Token faults become InvalidTokenError with a short reason; anything else (the JWKS endpoint unreachable or
 * answering garbage) is our problem, not the caller's, and stays as it is.
 */
function asInvalidToken(error: unknown): unknown {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof InvalidClaimsError) return new InvalidTokenError(error.message);
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const what = error.reason === 'missing' ? 'is missing' : 'is not accepted';
    return new InvalidTokenError(`the token's "${error.claim}" claim ${what}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidTokenError('the token signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new InvalidTokenError('no single key of the issuer matches the token');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new InvalidTokenError('the token signature algorithm is not accepted');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return new InvalidTokenError('the token is malformed');
  return error;
}
