import { z } from 'zod';
import { isValidGs1Key } from '@pedigree/gs1';

export const ROLES = ['manufacturer', 'distributor', 'dispenser', 'regulator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the verified identity every authorisation rule works on. */
export interface Principal {
  /** The token subject (`sub`): the user or client acting for the party. */
  subject: string;
  /** GLN of the party (company) the subject acts for. */
  party: string;
  roles: readonly Role[];
  /** GS1 Company Prefixes the party owns, as digit strings. */
  gcps: readonly string[];
}

/** The Pedigree claims of an access token, beside the standard `iss`, `aud`, `exp` and `iat`. */
export interface PedigreeClaims {
  sub: string;
  party: string;
  roles: Role[];
  gcp: string[];
}

export const pedigreeClaimsSchema = z.object({
  sub: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  party: z
    .string({ error: 'is required (a GLN)' })
    .refine((party) => isValidGs1Key('GLN', party), 'must be a 13-digit GLN with a valid GS1 check digit'),
  roles: z
    .array(z.enum(ROLES, { error: `must each be one of ${ROLES.join(', ')}` }), {
      error: 'is required (an array of roles)',
    })
    .min(1, 'must name at least one role')
    .transform((roles) => [...new Set(roles)]),
  gcp: z
    .array(z.string().regex(/^[0-9]{4,12}$/, 'must each be a GS1 Company Prefix of 4 to 12 digits'))
    .default([])
    .transform((gcps) => [...new Set(gcps)]),
});

/** The token's claims are not Pedigree claims; `problems` names each one (`party: must be …`). */
export class InvalidClaimsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid claims: ${problems.join('; ')}`);
    this.name = 'InvalidClaimsError';
  }
}

/** Checks the Pedigree claims of a (signature-verified) payload; throws InvalidClaimsError naming each bad claim. */
export function parsePedigreeClaims(payload: unknown): PedigreeClaims {
  const result = pedigreeClaimsSchema.safeParse(payload);
  if (!result.success) {
    throw new InvalidClaimsError(
      result.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`),
    );
  }
  return result.data;
}

export function principalFromClaims(claims: PedigreeClaims): Principal {
  return { subject: claims.sub, party: claims.party, roles: claims.roles, gcps: claims.gcp };
}
