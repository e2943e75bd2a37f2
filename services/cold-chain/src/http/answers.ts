import { z } from 'zod';

const temperature = z.number().describe('in the answer’s `uom`');
const instant = z.iso.datetime({ offset: true });

export const profileAnswerSchema = z.object({
  gtin: z.string(),
  storage: z.enum(['refrigerated', 'controlled-room', 'frozen', 'custom']),
  uom: z.enum(['CEL', 'FAH', 'KEL']),
  rangeMin: z.number(),
  rangeMax: z.number(),
  excursionBudgetMinutes: z.number().int(),
  absoluteMin: z.number().nullable(),
  absoluteMax: z.number().nullable(),
  mktMax: z.number().nullable(),
  mktWindowHours: z.number(),
  activationEnergy: z.number().describe('kJ/mol'),
  freezeLimit: z.number().nullable(),
  updatedBy: z.string().describe('GLN of the party that last set it'),
  updatedAt: instant,
});

export const readingsAcceptedSchema = z.object({
  readings: z.number().int().describe('readings accepted (acknowledged by Kafka)'),
  batches: z.number().int().describe('messages published on coldchain.readings.v1'),
});

export const excursionSummarySchema = z.object({
  id: z.string(),
  subject: z.string().describe('the logistic unit (GS1 Digital Link)'),
  gtin: z.string(),
  lots: z.array(z.string()),
  startedAt: instant,
  endedAt: instant,
  ongoing: z.boolean().describe('the readings end out of range: it may still be going on'),
  status: z
    .enum(['open', 'quarantined', 'released', 'rejected'])
    .describe(
      'open: minor and undecided; quarantined: critical (its packs held) or decided so; released, rejected: decided',
    ),
  decision: z
    .object({
      decision: z.enum(['release', 'quarantine', 'reject']),
      reason: z.string(),
      decidedBy: z.string().describe('GLN of the deciding party'),
      decidedAt: instant,
    })
    .nullable(),
  severity: z.enum(['minor', 'critical']),
  uom: z.string(),
  minutesOutOfRange: z.number(),
  budgetConsumedMinutes: z.number(),
  observedMin: temperature,
  observedMax: temperature,
  mkt: temperature.describe('MKT over the profile window ending at the excursion’s end'),
  packCount: z.number().int(),
  detectedAt: instant,
});

export const excursionDetailSchema = excursionSummarySchema.extend({
  packs: z.array(
    z.object({ epc: z.string(), gtin: z.string(), serial: z.string(), lot: z.string().nullable() }),
  ),
});

export const excursionPageSchema = z.object({
  excursions: z.array(excursionSummarySchema),
  nextPageToken: z.string().optional(),
});

const gapSchema = z.object({ from: instant, to: instant, minutes: z.number() });

export const shipmentTemperatureSchema = z.object({
  subject: z.string().describe('the SSCC as GS1 Digital Link'),
  sscc: z.string(),
  uom: z.string(),
  readings: z.number().int().describe('how many readings'),
  from: instant.nullable(),
  to: instant.nullable(),
  min: temperature.nullable(),
  max: temperature.nullable(),
  mean: temperature.nullable().describe('time-weighted'),
  mkt: temperature.nullable().describe('time-weighted MKT over the shipment'),
  mktWindow: temperature.nullable().describe('MKT over the profile’s window ending at the last reading'),
  minutesOutOfRange: z.number(),
  excursions: z.array(excursionSummarySchema),
  gaps: z.array(gapSchema),
  profiles: z.array(
    z.object({
      gtin: z.string(),
      packs: z.number().int(),
      budgetRemainingMinutes: z.number().describe('the least any pack of the GTIN in the shipment has left'),
      status: z.enum(['ok', 'incomplete', 'minor', 'critical']),
    }),
  ),
});

export const packTemperatureSchema = z.object({
  gtin: z.string(),
  serial: z.string(),
  lot: z.string().nullable(),
  uom: z.string(),
  legs: z.array(
    z.object({
      subject: z.string(),
      from: instant.nullable().describe('null: since before the first reading'),
      to: instant.nullable().describe('null: still in it'),
      minutesOutOfRange: z.number(),
      mkt: temperature.nullable(),
      excursions: z.number().int(),
    }),
  ),
  minutesOutOfRange: z.number(),
  budgetRemainingMinutes: z.number(),
  mkt: temperature.nullable(),
  status: z.enum(['ok', 'incomplete', 'minor', 'critical']),
});

export type ProfileAnswer = z.infer<typeof profileAnswerSchema>;
export type ExcursionSummary = z.infer<typeof excursionSummarySchema>;
export type ExcursionDetail = z.infer<typeof excursionDetailSchema>;
export type ShipmentTemperature = z.infer<typeof shipmentTemperatureSchema>;
export type PackTemperature = z.infer<typeof packTemperatureSchema>;
