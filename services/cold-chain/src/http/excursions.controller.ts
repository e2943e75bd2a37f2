import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@pedigree/auth';
import { bodyContent } from '@pedigree/service-runtime';
import {
  excursionDetailSchema,
  excursionPageSchema,
  type ExcursionDetail,
  type ExcursionSummary,
} from './answers';
import {
  DECISIONS,
  EXCURSION_STATUSES,
  ExcursionsService,
  type Decision,
  type ExcursionStatus,
} from './excursions.service';
import { gtinParameter } from './identifiers';
import { badRequest } from './problems';

const ROLES = ['manufacturer', 'distributor', 'dispenser', 'regulator', 'admin'] as const;
const MAX_PER_PAGE = 500;

/** Excursions the party may see: its own logistic units’, its own products’ (brand owner), or all (regulator, admin). */
@ApiTags('excursions')
@Controller('excursions')
export class ExcursionsController {
  constructor(private readonly excursions: ExcursionsService) {}

  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: 'Excursions, newest first, paged (Link: rel="next" and nextPageToken)' })
  @ApiQuery({ name: 'gtin', required: false })
  @ApiQuery({ name: 'lot', required: false })
  @ApiQuery({ name: 'status', required: false, enum: EXCURSION_STATUSES })
  @ApiQuery({ name: 'severity', required: false, enum: ['minor', 'critical'] })
  @ApiQuery({
    name: 'since',
    required: false,
    description: 'excursions that ended at or after this instant (ISO 8601)',
  })
  @ApiQuery({
    name: 'perPage',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: 50 },
  })
  @ApiQuery({ name: 'nextPageToken', required: false })
  @ApiResponse({
    status: 200,
    description: 'a page of excursions',
    content: bodyContent(excursionPageSchema),
  })
  @ApiResponse({ status: 400, description: 'a bad parameter (`field` names it)' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('gtin') gtin?: string,
    @Query('lot') lot?: string,
    @Query('status') status?: string,
    @Query('severity') severity?: string,
    @Query('since') since?: string,
    @Query('perPage') perPage?: string,
    @Query('nextPageToken') nextPageToken?: string,
  ): Promise<{ excursions: ExcursionSummary[]; nextPageToken?: string }> {
    if (status !== undefined && !(EXCURSION_STATUSES as string[]).includes(status))
      throw badRequest(`status must be one of ${EXCURSION_STATUSES.join(', ')}`, { field: 'status' });
    if (severity !== undefined && severity !== 'minor' && severity !== 'critical')
      throw badRequest('severity must be minor or critical', { field: 'severity' });
    const sinceTime = since === undefined ? undefined : Date.parse(since);
    if (sinceTime !== undefined && Number.isNaN(sinceTime))
      throw badRequest('since must be an ISO 8601 date-time', { field: 'since' });
    const size = perPage === undefined ? 50 : Number(perPage);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PER_PAGE)
      throw badRequest(`perPage must be a whole number from 1 to ${MAX_PER_PAGE}`, { field: 'perPage' });
    if (lot !== undefined && lot.length > 20)
      throw badRequest('lot is at most 20 characters', { field: 'lot' });
    const page = await this.excursions.list(
      {
        ...(gtin !== undefined ? { gtin: gtinParameter(gtin) } : {}),
        ...(lot !== undefined ? { lot } : {}),
        ...(status !== undefined ? { status: status as ExcursionStatus } : {}),
        ...(severity !== undefined ? { severity } : {}),
        ...(sinceTime !== undefined ? { since: new Date(sinceTime) } : {}),
        ...(nextPageToken !== undefined ? { pageToken: nextPageToken } : {}),
        perPage: size,
      },
      principal,
    );
    if (page.nextPageToken) {
      const url = new URL(request.url, 'http://localhost');
      url.searchParams.set('nextPageToken', page.nextPageToken);
      void reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
    }
    return page;
  }

  @Get(':id')
  @Roles(...ROLES)
  @ApiOperation({ summary: 'An excursion with the packs it affected' })
  @ApiParam({ name: 'id', description: 'the excursionId of its coldchain.excursions.v1 message' })
  @ApiResponse({ status: 200, description: 'the excursion', content: bodyContent(excursionDetailSchema) })
  @ApiResponse({ status: 404, description: 'no such excursion, or the party may not see it' })
  detail(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ExcursionDetail> {
    return this.excursions.detail(id, principal);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Roles('manufacturer', 'admin')
  @ApiOperation({
    summary:
      'Decide an excursion (the product’s manufacturer — owner of the GTIN’s company prefix — or an admin): release, quarantine or reject its packs; quarantine and reject are captured as EPCIS events on the packs (in their history, anchored), release ends the hold',
  })
  @ApiParam({ name: 'id' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['decision', 'reason'],
      additionalProperties: false,
      properties: {
        decision: { type: 'string', enum: [...DECISIONS] },
        reason: { type: 'string', minLength: 1, maxLength: 2000 },
      },
      example: { decision: 'reject', reason: 'stability data do not cover 40 min at 12 °C' },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'the excursion as decided',
    content: bodyContent(excursionDetailSchema),
  })
  @ApiResponse({ status: 400, description: 'a bad body (`field` names it)' })
  @ApiResponse({ status: 403, description: 'the GTIN is not under one of the party’s company prefixes' })
  @ApiResponse({ status: 404, description: 'no such excursion, or the party may not see it' })
  @ApiResponse({
    status: 409,
    description:
      'the excursion is released or rejected already (final), or quarantined already and asked to quarantine',
  })
  decide(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExcursionDetail> {
    return this.excursions.decide(id, parseDecision(body), principal);
  }
}

function parseDecision(body: unknown): { decision: Decision; reason: string } {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw badRequest('the body is not JSON', { field: '' });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest('the body must be a JSON object', { field: '' });
  const { decision, reason, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw badRequest(`unknown field ${unknown}`, { field: unknown });
  if (typeof decision !== 'string' || !(DECISIONS as readonly string[]).includes(decision))
    throw badRequest(`decision must be one of ${DECISIONS.join(', ')}`, { field: 'decision' });
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 2000)
    throw badRequest('reason must be a non-empty text of at most 2000 characters', { field: 'reason' });
  return { decision: decision as Decision, reason };
}
