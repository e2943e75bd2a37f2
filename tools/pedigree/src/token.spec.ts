import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER, createTokenVerifier, type AuthSettings } from '@pedigree/auth';
import { runCli } from './cli';
import type { CliIo } from './io';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => '',
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const PARTY = '0614141000012';

describe('pedigree token', () => {
  let cache: string;
  let keyDir: string;
  const savedCache = process.env.PEDIGREE_CACHE;

  beforeEach(async () => {
    cache = await mkdtemp(path.join(tmpdir(), 'pedigree-token-'));
    keyDir = path.join(cache, 'dev-issuer');
    process.env.PEDIGREE_CACHE = cache;
  });

  afterEach(async () => {
    if (savedCache === undefined) delete process.env.PEDIGREE_CACHE;
    else process.env.PEDIGREE_CACHE = savedCache;
    await rm(cache, { recursive: true, force: true });
  });

  const verifierFor = (overrides: Partial<AuthSettings> = {}) =>
    createTokenVerifier({
      AUTH_DEV_PUBLIC_JWK_FILE: path.join(keyDir, 'public.jwk.json'),
      AUTH_ISSUER: DEV_ISSUER,
      AUTH_AUDIENCE: DEV_AUDIENCE,
      AUTH_CLOCK_TOLERANCE_SECONDS: 0,
      ...overrides,
    });

  it('prints a token of the dev issuer under $PEDIGREE_CACHE that verifies and carries the claims', async () => {
    const { code, stdout, stderr } = await run([
      'token',
      '--role',
      'manufacturer',
      '--party',
      PARTY,
      '--gcp',
      '0614141',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const principal = await (await verifierFor()).verify(stdout.trim());
    expect(principal).toEqual({
      subject: `dev:${PARTY}`,
      party: PARTY,
      roles: ['manufacturer'],
      gcps: ['0614141'],
    });
    const payload = decodeJwt(stdout.trim());
    expect((payload.exp as number) - (payload.iat as number)).toBe(8 * 3600);
  });

  it('takes repeated roles and prefixes, a lifetime, an audience and a subject', async () => {
    const { code, stdout } = await run([
      'token',
      '--role',
      'manufacturer',
      '--role',
      'distributor',
      '--party',
      PARTY,
      '--gcp',
      '0614141',
      '--gcp',
      '4012345',
      '--ttl',
      '30m',
      '--audience',
      'urn:pedigree:serialization',
      '--subject',
      'alice@example.com',
    ]);
    expect(code).toBe(0);
    const token = stdout.trim();
    expect(await (await verifierFor({ AUTH_AUDIENCE: 'urn:pedigree:serialization' })).verify(token)).toEqual({
      subject: 'alice@example.com',
      party: PARTY,
      roles: ['manufacturer', 'distributor'],
      gcps: ['0614141', '4012345'],
    });
    const payload = decodeJwt(token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(1800);
    await expect((await verifierFor()).verify(token)).rejects.toThrow(
      'the token\'s "aud" claim is not accepted',
    );
  });

  it('creates the key pair once and signs every later token with it', async () => {
    const first = await run(['token', '--role', 'regulator', '--party', PARTY]);
    const verifier = await verifierFor();
    const second = await run(['token', '--role', 'dispenser', '--party', PARTY]);
    await expect(verifier.verify(first.stdout.trim())).resolves.toMatchObject({
      roles: ['regulator'],
      gcps: [],
    });
    await expect(verifier.verify(second.stdout.trim())).resolves.toMatchObject({ roles: ['dispenser'] });
  });

  it('warns that a lifetime over 24 h is refused by services with the default maximum, and such tokens are', async () => {
    const { code, stdout, stderr } = await run([
      'token',
      '--role',
      'manufacturer',
      '--party',
      PARTY,
      '--ttl',
      '7d',
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain('a lifetime over 86400 s is refused by services');
    await expect((await verifierFor()).verify(stdout.trim())).rejects.toThrow(
      'longer than the 86400 s accepted',
    );
    const lenient = await verifierFor({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: 7 * 86400 });
    await expect(lenient.verify(stdout.trim())).resolves.toMatchObject({ party: PARTY });
  });

  it('uses --key-dir instead of $PEDIGREE_CACHE', async () => {
    const elsewhere = path.join(cache, 'elsewhere');
    const { code, stdout } = await run([
      'token',
      '--role',
      'admin',
      '--party',
      PARTY,
      '--key-dir',
      elsewhere,
    ]);
    expect(code).toBe(0);
    const verifier = await verifierFor({ AUTH_DEV_PUBLIC_JWK_FILE: path.join(elsewhere, 'public.jwk.json') });
    await expect(verifier.verify(stdout.trim())).resolves.toMatchObject({ roles: ['admin'] });
  });

  it.each([
    [
      ['--role', 'manufacturer', '--party', '0614141000013'],
      /party: must be a 13-digit GLN with a valid GS1 check digit/,
    ],
    [['--role', 'owner', '--party', PARTY], /roles\.0: must each be one of manufacturer, distributor/],
    [
      ['--role', 'manufacturer', '--party', PARTY, '--gcp', '06'],
      /gcp\.0: must each be a GS1 Company Prefix of 4 to 12 digits/,
    ],
    [['--party', PARTY], /give at least one --role/],
    [
      ['--role', 'manufacturer', '--party', PARTY, '--ttl', 'forever'],
      /--ttl must be seconds or a number with s, m, h or d/,
    ],
    [['--role', 'manufacturer'], /required option '--party <gln>' not specified/],
  ])('exits 2 and prints nothing for %j', async (args, message) => {
    const { code, stdout, stderr } = await run(['token', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('explains itself', async () => {
    const { code, stdout } = await run(['token', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: pedigree token/);
    expect(stdout).toContain('--gcp <prefix>');
  });
});
