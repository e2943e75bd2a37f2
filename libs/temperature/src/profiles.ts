import { DEFAULT_ACTIVATION_ENERGY } from './mkt';
import { isTemperatureUnit, toCelsius, type TemperatureUnit } from './temperature';

export const STORAGE_CLASSES = ['refrigerated', 'controlled-room', 'frozen', 'custom'] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/** A product's storage profile, every temperature in `uom`. */
export interface StorageProfile {
  storage: StorageClass;
  uom: TemperatureUnit;
  rangeMin: number;
  rangeMax: number;
  /** Minutes allowed outside rangeMin–rangeMax over a pack's whole life, across every leg. */
  excursionBudgetMinutes: number;
  /** A reading below or above these is a critical excursion at once. */
  absoluteMin: number | null;
  absoluteMax: number | null;
  /** MKT over `mktWindowHours` above this makes an excursion critical. */
  mktMax: number | null;
  mktWindowHours: number;
  /** kJ/mol. */
  activationEnergy: number;
  /** At or below this the product has frozen: critical at once. */
  freezeLimit: number | null;
}

type PresetValues = Omit<StorageProfile, 'storage' | 'uom' | 'activationEnergy'>;

/**
 * Presets, in °C, for a profile that gives only `storage` (the sources are quoted in docs/cold-chain.md):
 * - refrigerated — USP <659> "refrigerator" and "controlled cold temperature" 2–8 °C; excursions between 0 °C and 15 °C
 *   allowed while the MKT stays at or below 8 °C (absolute limits 0/15, mktMax 8); MKT window 24 h, the period the
 *   USP Stimuli article on <1079.2> (PF 44(4)) proposes for controlled cold products; "do not freeze": freeze limit
 *   0 °C; budget 1,440 min, <659>'s 24 h limit for transient spikes.
 * - controlled-room — USP <659> "controlled room temperature" 20–25 °C; excursions 15–30 °C allowed, transient spikes
 *   up to 40 °C for no more than 24 h (absolute limits 15/40, budget 1,440 min); MKT not above 25 °C over 30 days
 *   (720 h), the <1079.2> Stimuli article's window for CRT products.
 * - frozen — USP <659> "freezer" −25 to −10 °C; <659> grants no excursion allowance and MKT is not used for frozen
 *   storage: absolute limits are the range itself, budget 0, no MKT limit (window kept at 720 h for the figure).
 */
export const STORAGE_PRESETS: Readonly<Record<Exclude<StorageClass, 'custom'>, PresetValues>> = {
  refrigerated: {
    rangeMin: 2,
    rangeMax: 8,
    excursionBudgetMinutes: 1440,
    absoluteMin: 0,
    absoluteMax: 15,
    mktMax: 8,
    mktWindowHours: 24,
    freezeLimit: 0,
  },
  'controlled-room': {
    rangeMin: 20,
    rangeMax: 25,
    excursionBudgetMinutes: 1440,
    absoluteMin: 15,
    absoluteMax: 40,
    mktMax: 25,
    mktWindowHours: 720,
    freezeLimit: null,
  },
  frozen: {
    rangeMin: -25,
    rangeMax: -10,
    excursionBudgetMinutes: 0,
    absoluteMin: -25,
    absoluteMax: -10,
    mktMax: null,
    mktWindowHours: 720,
    freezeLimit: null,
  },
};

/** The largest budget a profile may give: ten years of minutes. */
export const MAX_BUDGET_MINUTES = 10 * 366 * 24 * 60;

export class ProfileInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ProfileInputError';
  }
}

const TEMPERATURE_FIELDS = [
  'rangeMin',
  'rangeMax',
  'absoluteMin',
  'absoluteMax',
  'mktMax',
  'freezeLimit',
] as const;
const KNOWN_FIELDS = new Set([
  'storage',
  'uom',
  'excursionBudgetMinutes',
  'mktWindowHours',
  'activationEnergy',
  ...TEMPERATURE_FIELDS,
]);

function optionalNumber(body: Record<string, unknown>, field: string): number | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ProfileInputError(`${field} must be a number`, field);
  return value;
}

/** Converts a preset's °C value to `uom`. */
function presetIn(value: number | null, uom: TemperatureUnit): number | null {
  if (value === null || uom === 'CEL') return value;
  const kelvin = value + 273.15;
  return Number((uom === 'KEL' ? kelvin : (kelvin * 9) / 5 - 459.67).toPrecision(12));
}

/**
 * A profile from a PUT body: `storage` is required; a preset class fills every value not given (converted to the
 * body's `uom`), `custom` needs rangeMin, rangeMax and excursionBudgetMinutes. Throws ProfileInputError naming the field.
 */
export function parseProfile(body: unknown): StorageProfile {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ProfileInputError('the body must be a JSON object', '');
  const input = body as Record<string, unknown>;
  for (const key of Object.keys(input))
    if (!KNOWN_FIELDS.has(key)) throw new ProfileInputError(`unknown field ${key}`, key);
  const storage = input.storage;
  if (typeof storage !== 'string' || !(STORAGE_CLASSES as readonly string[]).includes(storage))
    throw new ProfileInputError(`storage must be one of ${STORAGE_CLASSES.join(', ')}`, 'storage');
  const uom = input.uom ?? 'CEL';
  if (typeof uom !== 'string' || !isTemperatureUnit(uom))
    throw new ProfileInputError('uom must be CEL, FAH or KEL', 'uom');
  const preset =
    storage === 'custom' ? undefined : STORAGE_PRESETS[storage as Exclude<StorageClass, 'custom'>];
  const value = (field: (typeof TEMPERATURE_FIELDS)[number]): number | null => {
    const given = optionalNumber(input, field);
    if (given !== undefined) return given;
    return preset ? presetIn(preset[field], uom) : null;
  };
  const rangeMin = value('rangeMin');
  const rangeMax = value('rangeMax');
  if (rangeMin === null) throw new ProfileInputError('rangeMin is required for a custom profile', 'rangeMin');
  if (rangeMax === null) throw new ProfileInputError('rangeMax is required for a custom profile', 'rangeMax');
  if (rangeMin >= rangeMax) throw new ProfileInputError('rangeMin must be below rangeMax', 'rangeMin');
  const budget = optionalNumber(input, 'excursionBudgetMinutes') ?? preset?.excursionBudgetMinutes;
  if (budget === undefined || budget === null)
    throw new ProfileInputError(
      'excursionBudgetMinutes is required for a custom profile',
      'excursionBudgetMinutes',
    );
  if (!Number.isInteger(budget) || budget < 0 || budget > MAX_BUDGET_MINUTES)
    throw new ProfileInputError(
      `excursionBudgetMinutes must be a whole number from 0 to ${MAX_BUDGET_MINUTES} (ten years)`,
      'excursionBudgetMinutes',
    );
  const window = optionalNumber(input, 'mktWindowHours') ?? preset?.mktWindowHours ?? 720;
  if (window <= 0 || window > 24 * 366)
    throw new ProfileInputError('mktWindowHours must be above 0 and at most a year', 'mktWindowHours');
  const energy = optionalNumber(input, 'activationEnergy') ?? DEFAULT_ACTIVATION_ENERGY;
  if (energy <= 0 || energy > 1000)
    throw new ProfileInputError(
      'activationEnergy must be above 0 and at most 1000 kJ/mol',
      'activationEnergy',
    );
  const profile: StorageProfile = {
    storage: storage as StorageClass,
    uom,
    rangeMin,
    rangeMax,
    excursionBudgetMinutes: budget,
    absoluteMin: value('absoluteMin'),
    absoluteMax: value('absoluteMax'),
    mktMax: value('mktMax'),
    mktWindowHours: window,
    activationEnergy: energy,
    freezeLimit: value('freezeLimit'),
  };
  if (profile.absoluteMin !== null && profile.absoluteMin > rangeMin)
    throw new ProfileInputError('absoluteMin must not be above rangeMin', 'absoluteMin');
  if (profile.absoluteMax !== null && profile.absoluteMax < rangeMax)
    throw new ProfileInputError('absoluteMax must not be below rangeMax', 'absoluteMax');
  return profile;
}

/** The profile's limits in °C, as the computations use them. */
export interface ProfileLimits {
  rangeMin: number;
  rangeMax: number;
  absoluteMin: number | null;
  absoluteMax: number | null;
  mktMax: number | null;
  freezeLimit: number | null;
  mktWindowMs: number;
  activationEnergy: number;
  budgetMinutes: number;
}

export function limitsOf(profile: StorageProfile): ProfileLimits {
  const c = (v: number | null) => (v === null ? null : toCelsius(v, profile.uom));
  return {
    rangeMin: toCelsius(profile.rangeMin, profile.uom),
    rangeMax: toCelsius(profile.rangeMax, profile.uom),
    absoluteMin: c(profile.absoluteMin),
    absoluteMax: c(profile.absoluteMax),
    mktMax: c(profile.mktMax),
    freezeLimit: c(profile.freezeLimit),
    mktWindowMs: profile.mktWindowHours * 3_600_000,
    activationEnergy: profile.activationEnergy,
    budgetMinutes: profile.excursionBudgetMinutes,
  };
}
