import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, type DatabaseHandle } from '@pedigree/database';
import { DATABASE } from '@pedigree/service-runtime';
import type { QueryDefinition } from './query-definition';

export interface NamedQuery {
  owner: string;
  name: string;
  query: QueryDefinition['query'];
  params: string;
}

/** Named queries in PostgreSQL; each party has its own names. */
@Injectable()
export class NamedQueryRepository {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>) {}

  /** Stores the query; false when the party already has a query of that name. */
  async create(owner: string, definition: QueryDefinition, params: URLSearchParams): Promise<boolean> {
    const { rowCount } = await this.database.pool.query(
      `INSERT INTO named_queries (owner, name, query, params) VALUES ($1, $2, $3, $4)
       ON CONFLICT (owner, name) DO NOTHING`,
      [owner, definition.name, JSON.stringify(definition.query), params.toString()],
    );
    return rowCount === 1;
  }

  async find(owner: string, name: string): Promise<NamedQuery | undefined> {
    const { rows } = await this.database.pool.query<NamedQuery>(
      'SELECT owner, name, query, params FROM named_queries WHERE owner = $1 AND name = $2',
      [owner, name],
    );
    return rows[0];
  }

  /** One page of the party's queries by name, after `after`. */
  async list(owner: string, limit: number, after?: string): Promise<NamedQuery[]> {
    const { rows } = await this.database.pool.query<NamedQuery>(
      `SELECT owner, name, query, params FROM named_queries
       WHERE owner = $1 AND ($2::text IS NULL OR name COLLATE "C" > $2) ORDER BY name COLLATE "C" LIMIT $3`,
      [owner, after ?? null, limit],
    );
    return rows;
  }

  /**
   * Deletes the query with its subscriptions (their feeds go with the deliverers' clean-up); false when there was none.
   */
  async delete(owner: string, name: string): Promise<boolean> {
    return inTransaction(this.database.pool, async (client) => {
      const { rowCount } = await client.query('DELETE FROM named_queries WHERE owner = $1 AND name = $2', [
        owner,
        name,
      ]);
      await client.query('DELETE FROM subscriptions WHERE party = $1 AND query_name = $2', [owner, name]);
      return rowCount === 1;
    });
  }
}
