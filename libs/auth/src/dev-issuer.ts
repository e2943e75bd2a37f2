import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile, link } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type KeyLike,
} from 'jose';
import { parsePedigreeClaims, type PedigreeClaims } from './principal';

/**
 * The local dev issuer: an ES256 key pair created once per machine, kept outside the repository, that
 * `pedigree token` signs with and the services of the local stack verify against (AUTH_DEV_PUBLIC_JWK_FILE).
 */
export const DEV_ISSUER = 'urn:pedigree:dev-issuer';
export const DEV_AUDIENCE = 'urn:pedigree:api';
const ALGORITHM = 'ES256';

export interface DevIssuerKeys {
  privateJwk: JWK;
  publicJwk: JWK;
  privateJwkFile: string;
  publicJwkFile: string;
}

/** `$PEDIGREE_CACHE/dev-issuer`, by default `~/.cache/pedigree/dev-issuer`. */
export function devIssuerDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.PEDIGREE_CACHE ?? path.join(homedir(), '.cache', 'pedigree'), 'dev-issuer');
}

/**
 * The dev issuer's key pair in `directory`, created on first use. The private key is written first and
 * atomically (a concurrent first use keeps whichever key won); the public JWK is derived from it.
 */
export async function ensureDevIssuerKeys(directory: string = devIssuerDirectory()): Promise<DevIssuerKeys> {
  const privateJwkFile = path.join(directory, 'private.jwk.json');
  const publicJwkFile = path.join(directory, 'public.jwk.json');
  await mkdir(directory, { recursive: true, mode: 0o700 });
  let privateJwk = await readJwk(privateJwkFile);
  if (privateJwk === undefined) {
    await createPrivateJwk(privateJwkFile);
    privateJwk = (await readJwk(privateJwkFile)) as JWK;
  }
  const publicJwk = publicPart(privateJwk);
  if (JSON.stringify(await readJwk(publicJwkFile)) !== JSON.stringify(publicJwk)) {
    const temporary = `${publicJwkFile}.${randomUUID()}.tmp`;
    await writeFile(temporary, `${JSON.stringify(publicJwk, null, 2)}\n`, { mode: 0o644 });
    await rename(temporary, publicJwkFile);
  }
  return { privateJwk, publicJwk, privateJwkFile, publicJwkFile };
}

async function createPrivateJwk(file: string): Promise<void> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ ...jwk, kid, alg: ALGORITHM, use: 'sig' }, null, 2)}\n`, {
    mode: 0o600,
  });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

async function readJwk(file: string): Promise<JWK | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function publicPart(privateJwk: JWK): JWK {
  const { kty, crv, x, y, kid, alg, use } = privateJwk;
  return { kty, crv, x, y, kid, alg, use };
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** A token lifetime such as `90` (seconds), `45s`, `30m`, `8h` or `7d`, in seconds; undefined when not one. */
export function parseTtl(text: string): number | undefined {
  const match = /^([1-9][0-9]*)([smhd]?)$/.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * (TTL_UNITS[match[2] || 's'] as number);
}

export interface SignTokenOptions {
  issuer: string;
  audience: string;
  /** Lifetime in seconds (see parseTtl). */
  ttlSeconds: number;
  /** Issue time (tests); default now. */
  now?: Date;
}

/** Signs an access token with Pedigree claims after checking them with the same rules the services apply. */
export async function signAccessToken(
  claims: PedigreeClaims,
  privateJwk: JWK,
  options: SignTokenOptions,
): Promise<string> {
  const valid = parsePedigreeClaims(claims);
  const key = (await importJWK(privateJwk, privateJwk.alg ?? ALGORITHM)) as KeyLike;
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ party: valid.party, roles: valid.roles, gcp: valid.gcp })
    .setProtectedHeader({
      alg: privateJwk.alg ?? ALGORITHM,
      typ: 'JWT',
      ...(privateJwk.kid ? { kid: privateJwk.kid } : {}),
    })
    .setSubject(valid.sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + options.ttlSeconds)
    .setJti(randomUUID())
    .sign(key);
}
