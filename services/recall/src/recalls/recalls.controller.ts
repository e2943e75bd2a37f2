import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  type StreamableFile,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentPrincipal, Roles, type Principal } from '@pedigree/auth';
import { bodyContent, openApiSchema } from '@pedigree/service-runtime';
import {
  asProblem,
  checkXlsxRows,
  decodeToken,
  encodeToken,
  EXPORT_CONTENT,
  exportFile,
  format,
  FORMAT_QUERY,
  parseBody,
  perPage,
} from '../http/http-helpers';
import {
  createRecallSchema,
  isRecallId,
  recallSchema,
  RecallRuleError,
  responseSchema,
  seesWholeRecall,
  type Transition,
} from './recall-model';
import type { ScopeCursor } from './recall.repository';
import { RecallsService } from './recalls.service';

const ALL_ROLES = ['manufacturer', 'distributor', 'dispenser', 'regulator', 'admin'] as const;
const MANAGING_ROLES = ['manufacturer', 'regulator', 'admin'] as const;
const SCOPE_PAGE = 500;
const SCOPE_MAX_PAGE = 5000;

const SCOPE_COLUMNS = [
  { header: 'epc', width: 44 },
  { header: 'gtin', width: 16 },
  { header: 'serial', width: 20 },
  { header: 'lot' },
  { header: 'expiry', type: 'date' as const, width: 12 },
  { header: 'status', width: 14 },
  { header: 'holder', width: 16 },
  { header: 'location', width: 32 },
  { header: 'container', width: 44 },
  { header: 'lastEventTime', type: 'datetime' as const, width: 20 },
];
const scopeItemSchema = z.object({
  epc: z.string(),
  gtin: z.string(),
  serial: z.string(),
  lot: z.string(),
  expiry: z.string().nullable(),
  status: z.string(),
  holder: z.string().nullable(),
  location: z.string().nullable(),
  container: z.string().nullable(),
  lastEventTime: z.string(),
});
const scopePageSchema = z.object({
  recallId: z.string(),
  units: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  items: z.array(scopeItemSchema),
  nextPageToken: z.string().optional(),
});
const responseBodySchema = z.object({
  acknowledged: z.boolean(),
  unitsOnHand: z.number().int().nullable(),
  unitsReturned: z.number().int().nullable(),
  unitsDestroyed: z.number().int().nullable(),
  subRecallDone: z.boolean(),
  note: z.string().nullable(),
  respondedAt: z.string(),
});
const consigneesSchema = z.object({
  recallId: z.string(),
  depth: z.string(),
  consignees: z.array(
    z.object({
      party: z.string(),
      level: z.number().int(),
      unitsReceived: z.number().int(),
      unitsShippedOn: z.number().int(),
      unitsOnHand: z.number().int(),
      unitsDispensed: z.number().int(),
      response: responseBodySchema.nullable(),
    }),
  ),
});
const effectivenessSchema = z.object({
  recallId: z.string(),
  status: z.string(),
  level: z.string(),
  consignees: z.number().int(),
  notified: z.number().int(),
  responded: z.number().int(),
  unitsInScope: z.number().int(),
  unitsAccountedFor: z.number().int(),
  unitsAccountedByEvents: z.number().int(),
  unitsAccountedByResponses: z.number().int(),
  met: z.boolean(),
});

const RECALL = bodyContent(recallSchema);
const ID = {
  name: 'id',
  description: 'the recall’s id (a UUID)',
  example: '00000000-0000-4000-8000-000000000000',
};
const EXAMPLE_RECALL = {
  gtin: '10614141073464',
  lots: ['LOT1'],
  classification: 'class-II',
  depth: 'retail',
  reason: 'sub-potent: assay below specification',
  effectivenessCheckLevel: 'B',
};

function isScopeCursor(value: unknown): value is ScopeCursor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ScopeCursor).lot === 'string' &&
    typeof (value as ScopeCursor).key === 'string'
  );
}

/** Recalls: create, approve (four eyes), close, withdraw; scope, consignees, responses, effectiveness. */
@ApiTags('recalls')
@Controller('recalls')
export class RecallsController {
  constructor(private readonly recalls: RecallsService) {}

  @Post()
  @HttpCode(201)
  @Roles(...MANAGING_ROLES)
  @ApiOperation({
    summary:
      'Create a recall (draft) — by the manufacturer owning the GTIN’s company prefix, or a regulator (an FDA-requested recall)',
  })
  @ApiBody({ schema: { ...openApiSchema(createRecallSchema), example: EXAMPLE_RECALL } })
  @ApiResponse({ status: 201, description: 'the draft; `Location: /recalls/{id}`', content: RECALL })
  @ApiResponse({ status: 403, description: 'not the GTIN’s manufacturer, a regulator or an admin' })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const recall = await this.recalls.create(parseBody(createRecallSchema, body), principal).catch(asProblem);
    void reply.header('location', `/recalls/${recall.id}`);
    return recall;
  }

  @Get()
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary:
      'Recalls the caller may see (regulator, admin: all; a manufacturer: its GTINs’; a consignee: the issued ones reaching it), newest first',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } })
  @ApiResponse({
    status: 200,
    description: 'the recalls',
    content: bodyContent(z.object({ recalls: z.array(recallSchema) })),
  })
  async list(@Query('limit') limit: unknown, @CurrentPrincipal() principal: Principal) {
    return { recalls: await this.recalls.list(principal, perPage(limit, 100, 1000)) };
  }

  @Get(':id')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'One recall' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, description: 'the recall', content: RECALL })
  @ApiResponse({ status: 404, description: 'no such recall the caller may see' })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.recalls.visible(id, principal).catch(asProblem);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(...MANAGING_ROLES)
  @ApiOperation({
    summary:
      'Issue the recall (from draft or candidate) — by another user than its creator; its notice goes out on recall.notices.v1',
  })
  @ApiParam(ID)
  @ApiResponse({ status: 200, description: 'issued', content: RECALL })
  @ApiResponse({
    status: 403,
    description: 'the creator itself (`SAME_USER`), or not entitled (`NOT_ENTITLED`)',
  })
  @ApiResponse({ status: 404, description: 'no such recall' })
  @ApiResponse({ status: 409, description: 'not in a status it can be approved from (`WRONG_STATUS`)' })
  approve(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.move(id, 'approve', principal);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(...MANAGING_ROLES)
  @ApiOperation({
    summary: 'Close an issued recall (another user than its creator); the closing notice goes out',
  })
  @ApiParam(ID)
  @ApiResponse({ status: 200, description: 'closed', content: RECALL })
  @ApiResponse({
    status: 403,
    description: 'the creator itself (`SAME_USER`), or not entitled (`NOT_ENTITLED`)',
  })
  @ApiResponse({ status: 404, description: 'no such recall' })
  @ApiResponse({ status: 409, description: 'not issued (`WRONG_STATUS`)' })
  close(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.move(id, 'close', principal);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles(...MANAGING_ROLES)
  @ApiOperation({
    summary:
      'Withdraw a draft or issued recall (another user than its creator); an issued one’s withdrawal notice goes out',
  })
  @ApiParam(ID)
  @ApiResponse({ status: 200, description: 'withdrawn', content: RECALL })
  @ApiResponse({
    status: 403,
    description: 'the creator itself (`SAME_USER`), or not entitled (`NOT_ENTITLED`)',
  })
  @ApiResponse({ status: 404, description: 'no such recall' })
  @ApiResponse({ status: 409, description: 'closed or withdrawn already (`WRONG_STATUS`)' })
  withdraw(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.move(id, 'withdraw', principal);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @Roles(...MANAGING_ROLES)
  @ApiOperation({ summary: 'Dismiss a recall candidate an excursion opened' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, description: 'dismissed', content: RECALL })
  @ApiResponse({ status: 403, description: 'not entitled (`NOT_ENTITLED`)' })
  @ApiResponse({ status: 404, description: 'no such recall' })
  @ApiResponse({ status: 409, description: 'not a candidate (`WRONG_STATUS`)' })
  dismiss(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.move(id, 'dismiss', principal);
  }

  @Get(':id/scope')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary:
      'Every pack in scope, where it is now (paged JSON with `Link: rel="next"`, or CSV or xlsx streamed whole); the manufacturer, regulators and admins see all, a consignee the packs it holds',
  })
  @ApiParam(ID)
  @ApiQuery({
    name: 'perPage',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: SCOPE_MAX_PAGE },
  })
  @ApiQuery({ name: 'pageToken', required: false, schema: { type: 'string' } })
  @ApiQuery(FORMAT_QUERY)
  @ApiResponse({
    status: 200,
    description: 'a page of the scope (JSON), or the whole scope (CSV, xlsx)',
    content: { ...bodyContent(scopePageSchema), ...EXPORT_CONTENT },
  })
  @ApiResponse({ status: 404, description: 'no such recall the caller may see' })
  @ApiResponse({ status: 422, description: 'xlsx asked for more rows than a worksheet holds (use csv)' })
  async scope(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<z.infer<typeof scopePageSchema> | StreamableFile> {
    const recall = await this.recalls.visible(id, principal).catch(asProblem);
    const as = format(query.format);
    if (as !== 'json') {
      if (as === 'xlsx') checkXlsxRows(as, (await this.recalls.summary(recall, principal)).units);
      const recalls = this.recalls;
      async function* rows() {
        let after: ScopeCursor | undefined;
        do {
          const page = await recalls.scope(recall, principal, after, SCOPE_MAX_PAGE);
          for (const i of page.items)
            yield [
              i.epc,
              i.gtin,
              i.serial,
              i.lot,
              i.expiry,
              i.status,
              i.holder,
              i.location,
              i.container,
              i.lastEventTime,
            ];
          after = page.next;
        } while (after);
      }
      return exportFile(as, SCOPE_COLUMNS, rows(), `recall-${recall.id}-scope`, 'scope');
    }
    const limit = perPage(query.perPage, SCOPE_PAGE, SCOPE_MAX_PAGE);
    const after = decodeToken(query.pageToken, isScopeCursor);
    const [page, summary] = await Promise.all([
      this.recalls.scope(recall, principal, after, limit),
      this.recalls.summary(recall, principal),
    ]);
    const nextPageToken = page.next ? encodeToken(page.next) : undefined;
    if (nextPageToken)
      void reply.header(
        'link',
        `</recalls/${recall.id}/scope?perPage=${limit}&pageToken=${nextPageToken}>; rel="next"`,
      );
    return {
      recallId: recall.id,
      ...summary,
      items: page.items,
      ...(nextPageToken ? { nextPageToken } : {}),
    };
  }

  @Get(':id/consignees')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary:
      'Every party that received scope packs down to the recall’s depth, with units received, shipped on, on hand, dispensed and its newest response (a consignee sees its own line)',
  })
  @ApiParam(ID)
  @ApiResponse({ status: 200, description: 'the consignees', content: bodyContent(consigneesSchema) })
  @ApiResponse({ status: 404, description: 'no such recall the caller may see' })
  async consignees(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const recall = await this.recalls.visible(id, principal).catch(asProblem);
    return {
      recallId: recall.id,
      depth: recall.depth,
      consignees: await this.recalls.consignees(recall, principal),
    };
  }

  @Post(':id/responses')
  @HttpCode(201)
  @Roles('distributor', 'dispenser', 'manufacturer', 'admin')
  @ApiOperation({
    summary:
      'A consignee’s response (its token’s party): acknowledged, units on hand, returned, destroyed, sub-recall done',
  })
  @ApiParam(ID)
  @ApiBody({ schema: { ...openApiSchema(responseSchema), example: { acknowledged: true, unitsOnHand: 3 } } })
  @ApiResponse({ status: 201, description: 'recorded', content: bodyContent(responseBodySchema) })
  @ApiResponse({ status: 403, description: 'the party received no pack of the scope (`NOT_CONSIGNEE`)' })
  @ApiResponse({ status: 404, description: 'no such recall the caller may see' })
  @ApiResponse({ status: 409, description: 'the recall is not issued (`WRONG_STATUS`)' })
  async respond(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const input = parseBody(responseSchema, body);
    const recall = await this.recalls.visible(id, principal).catch(asProblem);
    await this.recalls.respond(recall, principal, input).catch(asProblem);
    return {
      acknowledged: input.acknowledged,
      unitsOnHand: input.unitsOnHand ?? null,
      unitsReturned: input.unitsReturned ?? null,
      unitsDestroyed: input.unitsDestroyed ?? null,
      subRecallDone: input.subRecallDone,
      note: input.note ?? null,
      respondedAt: new Date().toISOString(),
    };
  }

  @Get(':id/effectiveness')
  @Roles(...MANAGING_ROLES)
  @ApiOperation({
    summary:
      'Consignees notified and responded, units in scope and accounted for, the effectiveness-check level and whether it is met',
  })
  @ApiParam(ID)
  @ApiResponse({ status: 200, description: 'the effectiveness', content: bodyContent(effectivenessSchema) })
  @ApiResponse({ status: 403, description: 'a consignee (only those who manage the recall see it)' })
  @ApiResponse({ status: 404, description: 'no such recall the caller may see' })
  async effectiveness(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const recall = await this.recalls.visible(id, principal).catch(asProblem);
    if (!seesWholeRecall(principal, recall.gtin))
      asProblem(
        new RecallRuleError(403, 'NOT_ENTITLED', 'only those who manage the recall see its effectiveness'),
      );
    return this.recalls.effectiveness(recall);
  }

  private move(id: string, transition: Transition, principal: Principal) {
    if (!isRecallId(id)) asProblem(new RecallRuleError(404, 'NOT_FOUND', `no recall ${id}`));
    return this.recalls.transition(id, transition, principal).catch(asProblem);
  }
}
