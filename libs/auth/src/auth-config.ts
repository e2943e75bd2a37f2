import { z } from 'zod';

/** Default for AUTH_MAX_TOKEN_LIFETIME_SECONDS: an access token lives at most a day. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86400;

/**
 * Settings of token verification, read from the environment like every other setting (libs/config).
 * Exactly one key source: `AUTH_JWKS_URL` (the identity provider's JWKS, production) or
 * `AUTH_DEV_PUBLIC_JWK_FILE` (the public key of the local dev issuer, see `pedigree token`).
 */
export const authConfigFields = {
  AUTH_JWKS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JSON Web Key Set' })
    .optional(),
  AUTH_DEV_PUBLIC_JWK_FILE: z.string().min(1, 'must be the path of a public JWK file').optional(),
  AUTH_ISSUER: z
    .string({ error: 'is required (the expected "iss" of access tokens)' })
    .min(1, 'must not be empty'),
  AUTH_AUDIENCE: z
    .string({ error: 'is required (the expected "aud" of access tokens)' })
    .min(1, 'must not be empty'),
  AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  /** The longest lifetime (`exp` − `iat`) of an access token accepted: 24 h unless set (1 min to 30 days). */
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86400)
    .default(MAX_TOKEN_LIFETIME_SECONDS),
};

/** The AUTH_* settings as loaded (withAuthConfig guarantees exactly one key source). */
export interface AuthSettings {
  AUTH_JWKS_URL?: string;
  AUTH_DEV_PUBLIC_JWK_FILE?: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_CLOCK_TOLERANCE_SECONDS: number;
  /** Optional for callers that build settings by hand; loaded configuration always has it. */
  AUTH_MAX_TOKEN_LIFETIME_SECONDS?: number;
}

type KeySources = Pick<AuthSettings, 'AUTH_JWKS_URL' | 'AUTH_DEV_PUBLIC_JWK_FILE'>;

/** Adds the AUTH_* settings to a service's config schema, e.g. `withAuthConfig(serviceConfigSchema({...}))`. */
export function withAuthConfig<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  return schema.extend(authConfigFields).superRefine((config, ctx) => {
    // The generic output type hides the two settings it always has; KeySources names them.
    const { AUTH_JWKS_URL, AUTH_DEV_PUBLIC_JWK_FILE } = config as KeySources;
    const sources = [AUTH_JWKS_URL, AUTH_DEV_PUBLIC_JWK_FILE].filter((v) => v !== undefined).length;
    if (sources !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_URL'],
        message: `exactly one of AUTH_JWKS_URL and AUTH_DEV_PUBLIC_JWK_FILE must be set (${sources === 0 ? 'neither is' : 'both are'})`,
      });
    }
  });
}

/** The AUTH_* settings alone. */
export const authConfigSchema = withAuthConfig(z.object({}));
