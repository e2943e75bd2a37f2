import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@pedigree/auth';
import { bodyContent } from '@pedigree/service-runtime';
import { temperatureChart } from '../domain/chart';
import { packTemperatureSchema, shipmentTemperatureSchema, type PackTemperature } from './answers';
import { gtinParameter, packKey, ssccKey } from './identifiers';
import { badRequest } from './problems';
import { TemperatureService } from './temperature.service';
import { fromCelsius } from '@pedigree/temperature';

const ROLES = ['manufacturer', 'distributor', 'dispenser', 'regulator', 'admin'] as const;

/** Temperature of logistic units (shipments) and of packs over their whole life. */
@ApiTags('temperature')
@Controller()
export class TemperatureController {
  constructor(private readonly temperature: TemperatureService) {}

  @Get('shipments/:sscc/temperature')
  @Roles(...ROLES)
  @ApiOperation({
    summary:
      'A logistic unit’s readings: min, max, time-weighted mean and MKT, minutes out of range, excursions, gaps, and per product its packs’ remaining budget and status; ?format=csv gives the readings, Accept: image/svg+xml a chart',
  })
  @ApiParam({
    name: 'sscc',
    description: 'the 18 digits, the EPC URI or a GS1 Digital Link',
    example: '106141411234567897',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiHeader({ name: 'accept', required: false, description: 'image/svg+xml for the chart' })
  @ApiResponse({
    status: 200,
    description: 'the summary (JSON), the readings (CSV: time,value,uom) or the chart (SVG)',
    content: {
      ...bodyContent(shipmentTemperatureSchema),
      'text/csv': { schema: { type: 'string' } },
      'image/svg+xml': { schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 400, description: 'not an SSCC, or an unknown format' })
  @ApiResponse({ status: 404, description: 'no such logistic unit, or it is not the party’s' })
  async shipment(
    @Param('sscc') sscc: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('format') format?: string,
    @Headers('accept') accept?: string,
  ): Promise<unknown> {
    const key = ssccKey(sscc);
    if (format !== undefined && format !== 'json' && format !== 'csv')
      throw badRequest('format must be json or csv', { field: 'format' });
    if (format === 'csv') {
      const { readings, uom } = await this.temperature.shipmentReadings(key, principal);
      void reply.header('content-type', 'text/csv; charset=utf-8');
      return (
        [
          'time,value,uom',
          ...readings.map((r) => `${new Date(r.time).toISOString()},${fromCelsius(r.celsius, uom)},${uom}`),
        ].join('\n') + '\n'
      );
    }
    const summary = await this.temperature.shipment(key, principal);
    if (format === undefined && accept?.includes('image/svg+xml')) {
      const { readings, uom } = await this.temperature.shipmentReadings(key, principal);
      const band = await this.temperature.band(key);
      void reply.header('content-type', 'image/svg+xml');
      return temperatureChart({
        title: `SSCC ${summary.sscc}`,
        uom,
        points: readings.map((r) => ({ time: r.time, value: fromCelsius(r.celsius, uom) })),
        ...(band ? { band } : {}),
        excursions: summary.excursions.map((e) => ({
          start: Date.parse(e.startedAt),
          end: Date.parse(e.endedAt),
        })),
        ...(summary.mkt !== null ? { mkt: summary.mkt } : {}),
      });
    }
    return summary;
  }

  @Get('packs/:gtin/:serial/temperature')
  @Roles(...ROLES)
  @ApiOperation({
    summary:
      'A pack’s temperature over its whole life: each leg (logistic unit with a logger it was in), minutes out of range against its product’s budget, MKT, status',
  })
  @ApiParam({ name: 'gtin', example: '10614141073464' })
  @ApiParam({ name: 'serial', example: '2017' })
  @ApiResponse({
    status: 200,
    description: 'the pack’s history',
    content: bodyContent(packTemperatureSchema),
  })
  @ApiResponse({ status: 400, description: 'not a GTIN-14 or serial' })
  @ApiResponse({ status: 404, description: 'no such pack, not the party’s, or no profile for its GTIN' })
  pack(
    @Param('gtin') gtin: string,
    @Param('serial') serial: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PackTemperature> {
    return this.temperature.pack(packKey(gtinParameter(gtin), serial), principal);
  }
}
