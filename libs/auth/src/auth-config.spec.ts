import { loadConfig, serviceConfigSchema } from '@pedigree/config';
import { authConfigSchema, withAuthConfig } from './auth-config';

const issuerAndAudience = { AUTH_ISSUER: 'https://idp.example.com/', AUTH_AUDIENCE: 'pedigree' };

describe('auth configuration', () => {
  it('takes a JWKS URL, with a default clock tolerance and token lifetime', () => {
    const config = loadConfig(authConfigSchema, {
      ...issuerAndAudience,
      AUTH_JWKS_URL: 'https://idp.example.com/jwks.json',
    });
    expect(config).toEqual({
      ...issuerAndAudience,
      AUTH_JWKS_URL: 'https://idp.example.com/jwks.json',
      AUTH_CLOCK_TOLERANCE_SECONDS: 30,
      AUTH_MAX_TOKEN_LIFETIME_SECONDS: 86400,
    });
  });

  it('bounds the maximum token lifetime between a minute and 30 days', () => {
    const withLifetime = (value: string) =>
      loadConfig(authConfigSchema, {
        ...issuerAndAudience,
        AUTH_JWKS_URL: 'https://idp.example.com/jwks.json',
        AUTH_MAX_TOKEN_LIFETIME_SECONDS: value,
      });
    expect(withLifetime('3600').AUTH_MAX_TOKEN_LIFETIME_SECONDS).toBe(3600);
    expect(() => withLifetime('59')).toThrow(/AUTH_MAX_TOKEN_LIFETIME_SECONDS/);
    expect(() => withLifetime(String(31 * 86400))).toThrow(/AUTH_MAX_TOKEN_LIFETIME_SECONDS/);
  });

  it('takes a dev public JWK file and a clock tolerance', () => {
    const config = loadConfig(authConfigSchema, {
      ...issuerAndAudience,
      AUTH_DEV_PUBLIC_JWK_FILE: '/tmp/public.jwk.json',
      AUTH_CLOCK_TOLERANCE_SECONDS: '5',
    });
    expect(config.AUTH_DEV_PUBLIC_JWK_FILE).toBe('/tmp/public.jwk.json');
    expect(config.AUTH_CLOCK_TOLERANCE_SECONDS).toBe(5);
  });

  it('needs exactly one key source', () => {
    expect(() => loadConfig(authConfigSchema, issuerAndAudience)).toThrow(
      /AUTH_JWKS_URL: exactly one of AUTH_JWKS_URL and AUTH_DEV_PUBLIC_JWK_FILE must be set \(neither is\)/,
    );
    expect(() =>
      loadConfig(authConfigSchema, {
        ...issuerAndAudience,
        AUTH_JWKS_URL: 'https://a/jwks',
        AUTH_DEV_PUBLIC_JWK_FILE: '/k',
      }),
    ).toThrow(/\(both are\)/);
  });

  it('names a missing issuer and audience and a JWKS URL that is not http(s)', () => {
    expect(() => loadConfig(authConfigSchema, { AUTH_JWKS_URL: 'ftp://idp/jwks' })).toThrow(
      /AUTH_JWKS_URL: must be an http\(s\) URL[\s\S]*AUTH_ISSUER: is required[\s\S]*AUTH_AUDIENCE: is required/,
    );
  });

  it('extends a service configuration and keeps the one-key-source rule', () => {
    const schema = withAuthConfig(serviceConfigSchema({ port: 3001, serviceName: 'serialization' }));
    const env = { DATABASE_URL: 'postgres://x', KAFKA_BROKERS: 'k:9092', ...issuerAndAudience };
    expect(() => loadConfig(schema, env)).toThrow(/exactly one of AUTH_JWKS_URL/);
    const config = loadConfig(schema, { ...env, AUTH_DEV_PUBLIC_JWK_FILE: '/k' });
    expect(config).toMatchObject({
      PORT: 3001,
      AUTH_ISSUER: 'https://idp.example.com/',
      AUTH_DEV_PUBLIC_JWK_FILE: '/k',
    });
  });
});
