import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  devIssuerDirectory,
  ensureDevIssuerKeys,
  parseTtl,
  signAccessToken,
} from './dev-issuer';
import { InvalidClaimsError } from './principal';
import { createTokenVerifier } from './token-verifier';

describe('devIssuerDirectory', () => {
  it('lives under $PEDIGREE_CACHE, by default under the home directory', () => {
    expect(devIssuerDirectory({ PEDIGREE_CACHE: '/var/cache/pedigree' })).toBe(
      '/var/cache/pedigree/dev-issuer',
    );
    expect(devIssuerDirectory({})).toBe(path.join(homedir(), '.cache', 'pedigree', 'dev-issuer'));
  });
});

describe('parseTtl', () => {
  it.each([
    ['90', 90],
    ['45s', 45],
    ['30m', 1800],
    ['8h', 28800],
    ['7d', 604800],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each([['0'], ['-5m'], ['8 hours'], ['1.5h'], ['h'], ['']])('refuses %p', (text) => {
    expect(parseTtl(text)).toBeUndefined();
  });
});

describe('the dev issuer', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'pedigree-dev-issuer-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('creates an ES256 key pair once, keeps the private key private and reuses it', async () => {
    const keyDirectory = path.join(directory, 'dev-issuer');
    const first = await ensureDevIssuerKeys(keyDirectory);
    expect(first.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(first.privateJwk.d).toEqual(expect.any(String));
    expect(first.publicJwk.d).toBeUndefined();
    expect(first.publicJwk.kid).toBe(first.privateJwk.kid);
    expect((await stat(first.privateJwkFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(first.publicJwkFile, 'utf8'))).toEqual(first.publicJwk);

    const second = await ensureDevIssuerKeys(keyDirectory);
    expect(second.privateJwk).toEqual(first.privateJwk);
  });

  it('ends with one key pair when first used by several callers at once', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => ensureDevIssuerKeys(directory)));
    const kids = new Set(results.map((r) => r.privateJwk.kid));
    expect(kids.size).toBe(1);
    const onDisk = JSON.parse(await readFile(path.join(directory, 'public.jwk.json'), 'utf8'));
    expect(onDisk.kid).toBe(results[0]?.privateJwk.kid);
  });

  it('signs tokens that the services verify against the public JWK file', async () => {
    const keys = await ensureDevIssuerKeys(directory);
    const token = await signAccessToken(
      {
        sub: 'dev',
        party: '0614141000012',
        roles: ['manufacturer', 'distributor'],
        gcp: ['0614141', '4012345'],
      },
      keys.privateJwk,
      { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, ttlSeconds: 3600 },
    );
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: keys.publicJwk.kid, typ: 'JWT' });
    const payload = decodeJwt(token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
    const verifier = await createTokenVerifier({
      AUTH_DEV_PUBLIC_JWK_FILE: keys.publicJwkFile,
      AUTH_ISSUER: DEV_ISSUER,
      AUTH_AUDIENCE: DEV_AUDIENCE,
      AUTH_CLOCK_TOLERANCE_SECONDS: 0,
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: 'dev',
      party: '0614141000012',
      roles: ['manufacturer', 'distributor'],
      gcps: ['0614141', '4012345'],
    });
  });

  it('refuses to sign claims the services would reject', async () => {
    const keys = await ensureDevIssuerKeys(directory);
    await expect(
      signAccessToken(
        { sub: 'dev', party: '0614141000013', roles: ['manufacturer'], gcp: [] },
        keys.privateJwk,
        {
          issuer: DEV_ISSUER,
          audience: DEV_AUDIENCE,
          ttlSeconds: 60,
        },
      ),
    ).rejects.toBeInstanceOf(InvalidClaimsError);
  });
});
