import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  SignJWT,
  UnsecuredJWT,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  type KeyLike,
} from 'jose';
import type { AuthSettings } from './auth-config';
import { InvalidTokenError, createTokenVerifier, verifierFor, type TokenVerifier } from './token-verifier';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'pedigree';
const settings = { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_CLOCK_TOLERANCE_SECONDS: 30 };
const claims = { party: '0614141000012', roles: ['manufacturer'], gcp: ['0614141'] };
const now = () => Math.floor(Date.now() / 1000);

interface KeyPair {
  privateKey: KeyLike;
  publicKey: KeyLike;
}

let signer: KeyPair;
let stranger: KeyPair;

beforeAll(async () => {
  signer = await generateKeyPair('ES256');
  stranger = await generateKeyPair('ES256');
});

async function sign(
  key: KeyLike,
  options: {
    payload?: JWTPayload;
    iss?: string;
    aud?: string;
    exp?: number;
    iat?: number;
    kid?: string;
    sub?: string;
  } = {},
) {
  const jwt = new SignJWT({ ...claims, ...options.payload })
    .setProtectedHeader({ alg: 'ES256', ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setSubject(options.sub ?? 'alice')
    .setIssuedAt(options.iat ?? now());
  if (options.exp !== 0) jwt.setExpirationTime(options.exp ?? now() + 600);
  return jwt.sign(key);
}

async function rejection(verifier: TokenVerifier, token: string): Promise<string> {
  const error = await verifier.verify(token).then(
    () => new Error('expected the token to be rejected'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as Error).message;
}

describe('verifierFor (a known public key)', () => {
  let verifier: TokenVerifier;
  beforeAll(() => {
    verifier = verifierFor(signer.publicKey, settings);
  });

  it('turns a valid token into the principal', async () => {
    await expect(verifier.verify(await sign(signer.privateKey))).resolves.toEqual({
      subject: 'alice',
      party: '0614141000012',
      roles: ['manufacturer'],
      gcps: ['0614141'],
    });
  });

  it('remembers a verified token only until it expires', async () => {
    const token = await sign(signer.privateKey, { exp: now() + 5 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    const later = Date.now() + 5_000 + (settings.AUTH_CLOCK_TOLERANCE_SECONDS + 5) * 1000;
    jest.useFakeTimers({
      now: later,
      doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval'],
    });
    try {
      expect(await rejection(verifier, token)).toBe('the token has expired');
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects an expired token', async () => {
    expect(
      await rejection(verifier, await sign(signer.privateKey, { iat: now() - 3600, exp: now() - 60 })),
    ).toBe('the token has expired');
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    await expect(verifier.verify(await sign(signer.privateKey, { exp: now() - 10 }))).resolves.toMatchObject({
      subject: 'alice',
    });
  });

  it('rejects a token not yet valid beyond the clock tolerance', async () => {
    const token = await sign(signer.privateKey, { payload: { nbf: now() + 120 } });
    expect(await rejection(verifier, token)).toBe('the token\'s "nbf" claim is not accepted');
  });

  it('rejects a token of another issuer or for another audience', async () => {
    expect(
      await rejection(verifier, await sign(signer.privateKey, { iss: 'https://evil.example.com/' })),
    ).toBe('the token\'s "iss" claim is not accepted');
    expect(await rejection(verifier, await sign(signer.privateKey, { aud: 'another-api' }))).toBe(
      'the token\'s "aud" claim is not accepted',
    );
  });

  it('rejects a token issued in the future beyond the clock tolerance', async () => {
    const token = await sign(signer.privateKey, { iat: now() + 120, exp: now() + 600 });
    expect(await rejection(verifier, token)).toBe('the token\'s "iat" claim is not accepted');
  });

  it('accepts a token issued in the future within the clock tolerance', async () => {
    const token = await sign(signer.privateKey, { iat: now() + 10 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('rejects a token that lives longer than the maximum lifetime (24 h by default)', async () => {
    const centuries = await sign(signer.privateKey, { exp: now() + 200 * 365 * 86400 });
    expect(await rejection(verifier, centuries)).toMatch(
      /^the token's lifetime \(exp − iat\) of \d+ s is longer than the 86400 s accepted$/,
    );
    const aDayAndASecond = await sign(signer.privateKey, { iat: now(), exp: now() + 86401 });
    expect(await rejection(verifier, aDayAndASecond)).toContain('longer than the 86400 s accepted');
    await expect(
      verifier.verify(await sign(signer.privateKey, { iat: now(), exp: now() + 86400 })),
    ).resolves.toMatchObject({ subject: 'alice' });
  });

  it('takes the maximum lifetime from AUTH_MAX_TOKEN_LIFETIME_SECONDS', async () => {
    const strict = verifierFor(signer.publicKey, { ...settings, AUTH_MAX_TOKEN_LIFETIME_SECONDS: 300 });
    expect(await rejection(strict, await sign(signer.privateKey, { exp: now() + 600 }))).toContain(
      'longer than the 300 s accepted',
    );
    const old = await sign(signer.privateKey, { iat: now() - 400, exp: now() + 600 });
    expect(await rejection(strict, old)).toBe('the token has expired');
  });

  it('rejects a token without an expiry', async () => {
    expect(await rejection(verifier, await sign(signer.privateKey, { exp: 0 }))).toBe(
      'the token\'s "exp" claim is missing',
    );
  });

  it('rejects a token signed with another key', async () => {
    expect(await rejection(verifier, await sign(stranger.privateKey))).toBe(
      'the token signature does not verify',
    );
  });

  it('rejects a token whose signature was tampered with by changing the payload', async () => {
    const [header, , signature] = (await sign(signer.privateKey)).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        ...claims,
        roles: ['admin'],
        iss: ISSUER,
        aud: AUDIENCE,
        sub: 'alice',
        exp: now() + 60,
        iat: now(),
      }),
    ).toString('base64url');
    expect(await rejection(verifier, `${header}.${forged}.${signature}`)).toBe(
      'the token signature does not verify',
    );
  });

  it('rejects unsigned tokens and shared-secret algorithms', async () => {
    const unsecured = new UnsecuredJWT({ ...claims, sub: 'alice' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    await rejection(verifier, unsecured);
    const hs256 = await new SignJWT({ ...claims, sub: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new Uint8Array(32));
    expect(await rejection(verifier, hs256)).toBe('the token signature algorithm is not accepted');
  });

  it('rejects a malformed token', async () => {
    expect(await rejection(verifier, 'not.a.jwt')).toBe('the token is malformed');
  });

  it('rejects a well-signed token whose Pedigree claims are invalid', async () => {
    const token = await sign(signer.privateKey, {
      payload: { party: '0614141000013', roles: ['owner'], gcp: ['12'] },
    });
    const message = await rejection(verifier, token);
    expect(message).toMatch(/^invalid claims: /);
    expect(message).toContain('party: must be a 13-digit GLN with a valid GS1 check digit');
    expect(message).toContain('roles.0: must each be one of');
    expect(message).toContain('gcp.0: must each be a GS1 Company Prefix of 4 to 12 digits');
  });
});

describe('createTokenVerifier with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let jwks: { keys: JWK[] } | undefined;

  beforeAll(async () => {
    jwks = { keys: [{ ...(await exportJWK(signer.publicKey)), kid: 'signer-1', alg: 'ES256', use: 'sig' }] };
    server = createServer((_request, response) => {
      if (jwks === undefined) {
        response.writeHead(500).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const jwksSettings = (): AuthSettings => ({ ...settings, AUTH_JWKS_URL: jwksUrl });

  it('verifies a token signed with the key its kid names', async () => {
    const verifier = await createTokenVerifier(jwksSettings());
    await expect(verifier.verify(await sign(signer.privateKey, { kid: 'signer-1' }))).resolves.toMatchObject({
      party: '0614141000012',
    });
  });

  it('rejects a token whose kid is not in the key set', async () => {
    const verifier = await createTokenVerifier(jwksSettings());
    expect(await rejection(verifier, await sign(stranger.privateKey, { kid: 'stranger' }))).toBe(
      'no single key of the issuer matches the token',
    );
  });

  it('rejects a token signed by another key under a known kid', async () => {
    const verifier = await createTokenVerifier(jwksSettings());
    expect(await rejection(verifier, await sign(stranger.privateKey, { kid: 'signer-1' }))).toBe(
      'the token signature does not verify',
    );
  });

  it('does not blame the caller when the key set cannot be fetched', async () => {
    const saved = jwks;
    jwks = undefined;
    try {
      const verifier = await createTokenVerifier(jwksSettings());
      const error = await verifier
        .verify(await sign(signer.privateKey, { kid: 'signer-1' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(InvalidTokenError);
    } finally {
      jwks = saved;
    }
  });
});

describe('createTokenVerifier with the dev issuer public JWK file', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'pedigree-auth-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('verifies tokens of the key in the file and no others', async () => {
    const file = path.join(directory, 'public.jwk.json');
    await writeFile(file, JSON.stringify({ ...(await exportJWK(signer.publicKey)), alg: 'ES256' }));
    const verifier = await createTokenVerifier({ ...settings, AUTH_DEV_PUBLIC_JWK_FILE: file });
    await expect(verifier.verify(await sign(signer.privateKey))).resolves.toMatchObject({ subject: 'alice' });
    expect(await rejection(verifier, await sign(stranger.privateKey))).toBe(
      'the token signature does not verify',
    );
  });

  it('refuses a file holding the private key', async () => {
    const file = path.join(directory, 'private.jwk.json');
    await writeFile(file, JSON.stringify(await exportJWK(signer.privateKey)));
    await expect(createTokenVerifier({ ...settings, AUTH_DEV_PUBLIC_JWK_FILE: file })).rejects.toThrow(
      /holds a private or secret key/,
    );
  });

  it('says how to create the dev issuer when the file is missing', async () => {
    const file = path.join(directory, 'missing.jwk.json');
    await expect(createTokenVerifier({ ...settings, AUTH_DEV_PUBLIC_JWK_FILE: file })).rejects.toThrow(
      /cannot be read \(ENOENT\); run "pedigree token" once/,
    );
  });

  it('needs exactly one key source', async () => {
    await expect(createTokenVerifier(settings)).rejects.toThrow(
      /exactly one of AUTH_JWKS_URL and AUTH_DEV_PUBLIC_JWK_FILE/,
    );
  });
});
