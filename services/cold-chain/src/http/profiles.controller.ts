import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@pedigree/auth';
import type { DatabaseHandle } from '@pedigree/database';
import { bodyContent, DATABASE } from '@pedigree/service-runtime';
import { markDirty } from '../store/ingest-store';
import { TemperatureReader, type StoredProfile } from '../store/temperature-reader';
import { inTransaction } from '@pedigree/database';
import { profileAnswerSchema, type ProfileAnswer } from './answers';
import { gtinParameter } from './identifiers';
import { badRequest, forbidden, notFound } from './problems';
import { Visibility } from './visibility';
import { parseProfile, ProfileInputError, STORAGE_CLASSES, type StorageProfile } from '@pedigree/temperature';

const GTIN_PARAM = { name: 'gtin', description: 'GTIN-14', example: '10614141073464' };

function answer(profile: StoredProfile): ProfileAnswer {
  const { updatedAt, ...rest } = profile;
  return { ...rest, updatedAt: updatedAt.toISOString() };
}

/** Storage profiles of products: the range, budget, limits and MKT parameters excursions are judged by. */
@ApiTags('profiles')
@Controller('profiles')
export class ProfilesController {
  private readonly visibility: Visibility;

  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>) {
    this.visibility = new Visibility(database.pool);
  }

  @Put(':gtin')
  @Roles('manufacturer', 'admin')
  @ApiOperation({
    summary:
      'Set a product’s storage profile (the manufacturer owning the GTIN’s company prefix, or an admin); a preset class (USP <659>, <1079.2>) fills what is not given',
  })
  @ApiParam(GTIN_PARAM)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['storage'],
      properties: {
        storage: { type: 'string', enum: [...STORAGE_CLASSES] },
        uom: { type: 'string', enum: ['CEL', 'FAH', 'KEL'], default: 'CEL' },
        rangeMin: { type: 'number' },
        rangeMax: { type: 'number' },
        excursionBudgetMinutes: { type: 'integer', minimum: 0 },
        absoluteMin: { type: 'number', nullable: true },
        absoluteMax: { type: 'number', nullable: true },
        mktMax: { type: 'number', nullable: true },
        mktWindowHours: { type: 'number', exclusiveMinimum: true, minimum: 0 },
        activationEnergy: { type: 'number', description: 'kJ/mol', default: 83.144 },
        freezeLimit: { type: 'number', nullable: true },
      },
      example: { storage: 'refrigerated', excursionBudgetMinutes: 720 },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'the profile as stored',
    content: bodyContent(profileAnswerSchema),
  })
  @ApiResponse({ status: 400, description: 'a bad field (`field` names it) or GTIN' })
  @ApiResponse({ status: 403, description: 'the GTIN is not under one of the party’s company prefixes' })
  async put(
    @Param('gtin') gtinText: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProfileAnswer> {
    const gtin = gtinParameter(gtinText);
    if (!principal.roles.includes('admin') && !this.visibility.ownsGtin(principal, gtin))
      throw forbidden(`GTIN ${gtin} is not under one of your company prefixes`);
    let profile: StorageProfile;
    try {
      profile = parseProfile(typeof body === 'string' ? parseJson(body) : body);
    } catch (error) {
      if (error instanceof ProfileInputError) throw badRequest(error.message, { field: error.field });
      throw error;
    }
    await inTransaction(this.database.pool, async (client) => {
      await client.query(
        `INSERT INTO profiles (gtin, storage, uom, range_min, range_max, excursion_budget_minutes, absolute_min, absolute_max,
           mkt_max, mkt_window_hours, activation_energy, freeze_limit, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
         ON CONFLICT (gtin) DO UPDATE SET storage = EXCLUDED.storage, uom = EXCLUDED.uom, range_min = EXCLUDED.range_min,
           range_max = EXCLUDED.range_max, excursion_budget_minutes = EXCLUDED.excursion_budget_minutes,
           absolute_min = EXCLUDED.absolute_min, absolute_max = EXCLUDED.absolute_max, mkt_max = EXCLUDED.mkt_max,
           mkt_window_hours = EXCLUDED.mkt_window_hours, activation_energy = EXCLUDED.activation_energy,
           freeze_limit = EXCLUDED.freeze_limit, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [
          gtin,
          profile.storage,
          profile.uom,
          profile.rangeMin,
          profile.rangeMax,
          profile.excursionBudgetMinutes,
          profile.absoluteMin,
          profile.absoluteMax,
          profile.mktMax,
          profile.mktWindowHours,
          profile.activationEnergy,
          profile.freezeLimit,
          principal.party,
        ],
      );
      // The logistic units that held packs of the GTIN are judged again by the new profile.
      const { rows } = await client.query<{ key: string }>(`SELECT key FROM items WHERE gtin = $1`, [gtin]);
      await markDirty(client, { subjects: [], loggers: [], packedInto: rows.map((r) => r.key) });
    });
    return this.get(gtin);
  }

  @Get(':gtin')
  @Roles('manufacturer', 'distributor', 'dispenser', 'regulator', 'admin')
  @ApiOperation({ summary: 'A product’s storage profile' })
  @ApiParam(GTIN_PARAM)
  @ApiResponse({ status: 200, description: 'the profile', content: bodyContent(profileAnswerSchema) })
  @ApiResponse({ status: 400, description: 'not a GTIN-14' })
  @ApiResponse({ status: 404, description: 'no profile for the GTIN' })
  async get(@Param('gtin') gtinText: string): Promise<ProfileAnswer> {
    const gtin = gtinParameter(gtinText);
    const profile = (await new TemperatureReader(this.database.pool).profiles([gtin])).get(gtin);
    if (!profile) throw notFound(`no storage profile for GTIN ${gtin}`);
    return answer(profile);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body is not JSON: ${(error as Error).message}`, { field: '' });
  }
}
