import { Controller, Get, Param, Query, type StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, ownsCompanyPrefix, Roles, seesEveryParty, type Principal } from '@pedigree/auth';
import { isValidGs1Key } from '@pedigree/gs1';
import { bodyContent, ProblemException } from '@pedigree/service-runtime';
import {
  badRequest,
  checkXlsxRows,
  EXPORT_CONTENT,
  exportFile,
  format,
  FORMAT_QUERY,
} from '../http/http-helpers';
import { epcKey } from '../trace/trace.controller';
import { TraceRepository, visibility } from '../trace/trace.repository';
import { LotsRepository } from './lots.repository';

const ALL_ROLES = ['manufacturer', 'distributor', 'dispenser', 'regulator', 'admin'] as const;
const GTIN_PARAM = { name: 'gtin', description: 'GTIN-14', example: '10614141073464' };
const LOT_PARAM = { name: 'lot', description: 'lot (batch) number', example: 'LOT1' };
const DISTRIBUTION_COLUMNS = [
  { header: 'holder', width: 16 },
  ...['inStock', 'inTransit', 'dispensed', 'destroyed', 'exported', 'returned', 'other'].map((header) => ({
    header,
    type: 'number' as const,
  })),
];
const EVENT_COLUMNS = [
  { header: 'lot' },
  { header: 'gtin', width: 16 },
  { header: 'quantity', type: 'number' as const },
  { header: 'unit' },
  { header: 'eventType', width: 20 },
  { header: 'action' },
  { header: 'bizStep', width: 16 },
  { header: 'disposition', width: 16 },
  { header: 'fromParties', width: 16 },
  { header: 'toParties', width: 16 },
  { header: 'location', width: 32 },
  { header: 'capturedBy', width: 16 },
  { header: 'eventTime', type: 'datetime' as const, width: 20 },
  { header: 'referenceDocuments', width: 40 },
  { header: 'eventHash', width: 40 },
];

const distributionSchema = z.object({
  gtin: z.string(),
  lot: z.string(),
  commissioned: z
    .number()
    .int()
    .describe('packs of the lot the caller may count (all, for those who see all)'),
  holders: z.array(
    z.object({
      holder: z.string().nullable(),
      inStock: z.number().int(),
      inTransit: z.number().int(),
      dispensed: z.number().int(),
      destroyed: z.number().int(),
      exported: z.number().int(),
      returned: z.number().int(),
      other: z.number().int(),
    }),
  ),
});
const lotEventSchema = z.object({
  eventHash: z.string(),
  eventTime: z.string(),
  eventType: z.string(),
  action: z.string().nullable(),
  bizStep: z.string().nullable(),
  disposition: z.string().nullable(),
  gtin: z.string(),
  lot: z.string(),
  quantity: z.number(),
  unit: z.string(),
  fromParties: z.array(z.string()),
  toParties: z.array(z.string()),
  location: z.string().nullable(),
  capturedBy: z.string(),
  referenceDocuments: z.array(z.string()),
});
const historySchema = z.object({
  product: z.object({
    gtin: z.string(),
    serial: z.string(),
    lot: z.string().nullable(),
    expiry: z.string().nullable(),
  }),
  transactionInformation: z.array(
    z.object({
      date: z.string(),
      seller: z.string().nullable(),
      buyer: z.string(),
      eventHash: z.string(),
      businessDocuments: z.array(z.object({ type: z.string().optional(), id: z.string() })),
    }),
  ),
  transactionHistory: z.array(z.object({ party: z.string(), since: z.string() })),
  transactionStatement: z.string(),
});

function gtinOf(raw: string): string {
  if (!/^\d{14}$/.test(raw) || !isValidGs1Key('GTIN', raw))
    throw badRequest('gtin must be a GTIN-14 with a valid check digit');
  return raw;
}

function lotOf(raw: string): string {
  if (raw.length < 1 || raw.length > 20 || raw.includes('\u0000'))
    throw badRequest('lot must have 1 to 20 characters, none of them NUL');
  return raw;
}

const notFound = (detail: string) =>
  new ProblemException({ type: 'about:blank', title: 'Not Found', status: 404, detail });

/** Whether the principal sees every holder of a GTIN's packs: regulators, admins and the GTIN's manufacturer. */
function seesAllHolders(principal: Principal, gtin: string): boolean {
  return seesEveryParty(principal) || ownsCompanyPrefix(principal, gtin);
}

const STATEMENT =
  'Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G). (Transaction statement as DSCSA requires; the information above is what the EPCIS events recorded in Pedigree hold.)';

/** Regulator queries on a lot or a pack: distribution by holder, the FSMA 204-style event list, DSCSA history. */
@ApiTags('lots and packs')
@Controller()
export class LotsController {
  constructor(
    private readonly lots: LotsRepository,
    private readonly trace: TraceRepository,
  ) {}

  @Get('lots/:gtin/:lot/distribution')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary:
      'Packs of a lot commissioned, and per holder (GLN) in stock, in transit, dispensed, destroyed, exported, returned; the manufacturer, regulators and admins see every holder, another party its own line',
  })
  @ApiParam(GTIN_PARAM)
  @ApiParam(LOT_PARAM)
  @ApiQuery(FORMAT_QUERY)
  @ApiResponse({
    status: 200,
    description: 'the distribution',
    content: { ...bodyContent(distributionSchema), ...EXPORT_CONTENT },
  })
  async distribution(
    @Param('gtin') rawGtin: string,
    @Param('lot') rawLot: string,
    @Query('format') rawFormat: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<z.infer<typeof distributionSchema> | StreamableFile> {
    const gtin = gtinOf(rawGtin);
    const lot = lotOf(rawLot);
    const as = format(rawFormat);
    const result = await this.lots.distribution(
      gtin,
      lot,
      seesAllHolders(principal, gtin) ? undefined : principal.party,
    );
    if (as !== 'json') {
      const rows = async function* () {
        for (const h of result.holders)
          yield [h.holder, h.inStock, h.inTransit, h.dispensed, h.destroyed, h.exported, h.returned, h.other];
      };
      return exportFile(as, DISTRIBUTION_COLUMNS, rows(), `lot-${gtin}-${lot}-distribution`, 'distribution');
    }
    return { gtin, lot, ...result };
  }

  @Get('lots/:gtin/:lot/events')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary:
      'One sortable row per event of the lot (FSMA 204-style): lot, product, quantity and unit, event type and business step, from and to parties, location, dates, reference documents, event hash; a party sees the events it captured or is named in',
  })
  @ApiParam(GTIN_PARAM)
  @ApiParam(LOT_PARAM)
  @ApiQuery(FORMAT_QUERY)
  @ApiResponse({
    status: 200,
    description: 'the events, oldest first',
    content: { ...bodyContent(z.object({ events: z.array(lotEventSchema) })), ...EXPORT_CONTENT },
  })
  @ApiResponse({ status: 422, description: 'xlsx asked for more rows than a worksheet holds (use csv)' })
  async events(
    @Param('gtin') rawGtin: string,
    @Param('lot') rawLot: string,
    @Query('format') rawFormat: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ events: Array<z.infer<typeof lotEventSchema>> } | StreamableFile> {
    const gtin = gtinOf(rawGtin);
    const lot = lotOf(rawLot);
    const as = format(rawFormat);
    const events = await this.lots.lotEvents(gtin, lot, visibility(principal));
    if (as === 'json') return { events };
    checkXlsxRows(as, events.length);
    const rows = async function* () {
      for (const e of events)
        yield [
          e.lot,
          e.gtin,
          e.quantity,
          e.unit,
          e.eventType,
          e.action,
          e.bizStep,
          e.disposition,
          e.fromParties,
          e.toParties,
          e.location,
          e.capturedBy,
          e.eventTime,
          e.referenceDocuments,
          e.eventHash,
        ];
    };
    return exportFile(as, EVENT_COLUMNS, rows(), `lot-${gtin}-${lot}-events`, 'events');
  }

  @Get('packs/:gtin/:serial/transaction-history')
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary:
      'DSCSA transaction information, history and statement of one pack as far as the events hold it (product, lot, expiry, each change of ownership with date, seller, buyer and business documents); for regulators, admins, its manufacturer and the parties that held it',
  })
  @ApiParam(GTIN_PARAM)
  @ApiParam({ name: 'serial', description: 'serial number', example: '2017' })
  @ApiResponse({ status: 200, description: 'the history', content: bodyContent(historySchema) })
  @ApiResponse({ status: 404, description: 'no such pack the caller held or may see' })
  async history(
    @Param('gtin') rawGtin: string,
    @Param('serial') serial: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<z.infer<typeof historySchema>> {
    const gtin = gtinOf(rawGtin);
    if (serial.length < 1 || serial.length > 20) throw badRequest('serial must have 1 to 20 characters');
    const key = epcKey(`https://id.gs1.org/01/${gtin}/21/${encodeURIComponent(serial)}`, 'serial');
    const holding = (await this.trace.holdings([key])).get(key);
    const steps = holding ? await this.lots.custody(key) : [];
    const entitled = seesAllHolders(principal, gtin) || steps.some((s) => s.party === principal.party);
    if (!holding || !entitled) throw notFound(`no pack ${gtin} ${serial} you held or may see`);
    return {
      product: { gtin, serial, lot: holding.lot, expiry: holding.expiry },
      transactionInformation: steps.slice(1).map((step, i) => ({
        date: step.eventTime,
        seller: steps[i]!.party,
        buyer: step.party,
        eventHash: step.eventHash,
        businessDocuments: step.bizTransactions,
      })),
      transactionHistory: steps.map((s) => ({ party: s.party, since: s.eventTime })),
      transactionStatement: STATEMENT,
    };
  }
}
