import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, Roles, seesEveryParty, type Principal } from '@pedigree/auth';
import { canonicalIdentifier } from '@pedigree/epcis';
import { itemOfKey } from '@pedigree/registry';
import { bodyContent, ProblemException } from '@pedigree/service-runtime';
import { badRequest } from '../http/http-helpers';
import { traceGraph, type Direction } from './trace-graph';
import { TraceRepository, type Holding } from './trace.repository';

const MAX_NODES = 5000;

const nodeSchema = z.object({
  id: z.string().describe('the canonical GS1 Digital Link of the item or container'),
  epc: z.string(),
  kind: z.string(),
  gtin: z.string().nullable(),
  serial: z.string().nullable(),
  sscc: z.string().nullable(),
  lot: z.string().nullable(),
  expiry: z.string().nullable(),
  status: z.string().nullable().describe('its state now (null when the caller may not know it)'),
  holder: z.string().nullable(),
  location: z.string().nullable(),
  container: z.string().nullable(),
});
const edgeSchema = z.object({
  type: z.enum(['commissioned', 'packed', 'unpacked', 'shipped', 'received', 'transformed', 'observed']),
  from: z.array(z.string()),
  to: z.array(z.string()),
  fromParties: z.array(z.string()),
  toParties: z.array(z.string()),
  eventHash: z.string(),
  eventTime: z.string(),
  bizStep: z.string().nullable(),
  disposition: z.string().nullable(),
  location: z.string().nullable(),
  capturedBy: z.string(),
  bizTransactions: z.array(z.object({ type: z.string().optional(), id: z.string() })),
});
export const traceSchema = z.object({
  root: z.string(),
  direction: z.enum(['backward', 'forward', 'both']),
  nodes: z.array(nodeSchema),
  parties: z.array(z.string()),
  locations: z.array(z.string()),
  edges: z.array(edgeSchema),
  truncated: z.boolean(),
});

/** The canonical key of an EPC URI or GS1 Digital Link, or a 400. */
export function epcKey(raw: unknown, name = 'epc'): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000)
    throw badRequest(`${name} is required`);
  let key: string;
  try {
    key = canonicalIdentifier(raw);
  } catch {
    key = raw;
  }
  if (!key.startsWith('https://id.gs1.org/'))
    throw badRequest(`${name} must be an EPC URI or a GS1 Digital Link URI of a GS1 key`);
  return key;
}

/** What the caller may know of an object now: all for regulators, admins, its holder and its manufacturer. */
function node(key: string, holding: Holding | undefined, principal: Principal, epcOf: Map<string, string>) {
  const item = itemOfKey(key);
  const knows =
    holding !== undefined &&
    (seesEveryParty(principal) ||
      holding.owner === principal.party ||
      holding.commissionedBy === principal.party);
  return {
    id: key,
    epc: holding?.epc ?? key,
    kind: holding?.kind ?? (item.gtin ? 'item' : item.sscc ? 'container' : 'other'),
    gtin: item.gtin ?? null,
    serial: item.serial ?? null,
    sscc: item.sscc ?? null,
    lot: holding?.lot ?? null,
    expiry: holding?.expiry ?? null,
    status: knows ? holding.status : null,
    holder: knows ? holding.owner : null,
    location: knows ? holding.location : null,
    container:
      knows && holding.parentKey !== null ? (epcOf.get(holding.parentKey) ?? holding.parentKey) : null,
  };
}

@ApiTags('trace')
@Controller()
export class TraceController {
  constructor(private readonly repository: TraceRepository) {}

  @Get('trace')
  @Roles('manufacturer', 'distributor', 'dispenser', 'regulator', 'admin')
  @ApiOperation({
    summary:
      'Trace an item or container: a graph of items and containers, parties and locations, with aggregation, custody and transformation edges (each with its time and event hash); regulators and admins see everything, a party the events it captured or is named in',
  })
  @ApiQuery({
    name: 'epc',
    required: true,
    description: 'EPC URI or GS1 Digital Link URI',
    example: 'urn:epc:id:sgtin:0614141.107346.2017',
  })
  @ApiQuery({
    name: 'direction',
    required: false,
    schema: { type: 'string', enum: ['backward', 'forward', 'both'] },
  })
  @ApiResponse({ status: 200, description: 'the graph', content: bodyContent(traceSchema) })
  @ApiResponse({ status: 404, description: 'no event the caller may see names it' })
  async trace(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const root = epcKey(query.epc);
    const direction = (query.direction ?? 'both') as Direction;
    if (!['backward', 'forward', 'both'].includes(direction))
      throw badRequest('direction must be backward, forward or both');
    const graph = await traceGraph(this.repository.source(principal), root, direction, MAX_NODES);
    if (graph.edges.length === 0)
      throw new ProblemException({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: `no event you may see names ${String(query.epc)}`,
      });
    const holdings = await this.repository.holdings(graph.keys);
    const parents = [...holdings.values()].map((h) => h.parentKey).filter((k): k is string => k !== null);
    const parentHoldings = await this.repository.holdings(parents.filter((k) => !holdings.has(k)));
    const epcOf = new Map([...holdings.values(), ...parentHoldings.values()].map((h) => [h.key, h.epc]));
    return {
      root,
      direction,
      nodes: graph.keys.map((key) => node(key, holdings.get(key), principal, epcOf)),
      parties: graph.parties,
      locations: graph.locations,
      edges: graph.edges,
      truncated: graph.truncated,
    };
  }
}
