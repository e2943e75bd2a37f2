import { ownsCompanyPrefix, seesEveryParty, type Principal } from '@pedigree/auth';
import type { Pool } from 'pg';

/**
 * What a party may see (docs/authorisation.md, docs/cold-chain.md): regulators and admins everything; anyone else an
 * object whose events it captured or was named in, or whose readings it sent, and — as brand owner — the packs and
 * excursions of GTINs under its own company prefixes. Everything else answers as if it did not exist.
 */
export class Visibility {
  constructor(private readonly pool: Pool) {}

  async seesAny(principal: Principal, keys: readonly string[]): Promise<boolean> {
    if (seesEveryParty(principal)) return true;
    if (keys.length === 0) return false;
    const { rows } = await this.pool.query(
      `SELECT 1 FROM parties WHERE key = ANY($1::text[]) AND party = $2 LIMIT 1`,
      [keys, principal.party],
    );
    return rows.length > 0;
  }

  ownsGtin(principal: Principal, gtin: string): boolean {
    return ownsCompanyPrefix(principal, { ai: '01', value: gtin });
  }
}
