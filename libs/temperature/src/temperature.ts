import { UNECE_REC20_UNITS } from '@pedigree/epcis';

/** The temperature units a reading or profile may be given in (UN/ECE Recommendation 20 codes). */
export const TEMPERATURE_UNITS = ['CEL', 'FAH', 'KEL'] as const;
export type TemperatureUnit = (typeof TEMPERATURE_UNITS)[number];

export function isTemperatureUnit(uom: string): uom is TemperatureUnit {
  return (TEMPERATURE_UNITS as readonly string[]).includes(uom);
}

function definition(uom: TemperatureUnit) {
  return UNECE_REC20_UNITS.get(uom)!;
}

/** Kelvin of a temperature given in `uom` (the conversion table of libs/epcis, UN/ECE Rec 20). */
export function toKelvin(value: number, uom: TemperatureUnit): number {
  const unit = definition(uom);
  return value * unit.factor + unit.offset;
}

export function toCelsius(value: number, uom: TemperatureUnit): number {
  return uom === 'CEL' ? value : toKelvin(value, uom) - 273.15;
}

/** A temperature in °C expressed in `uom`, rounded to 12 significant digits (no binary noise such as 41.00000000000001). */
export function fromCelsius(celsius: number, uom: TemperatureUnit): number {
  if (uom === 'CEL') return celsius;
  const unit = definition(uom);
  return Number(((celsius + 273.15 - unit.offset) / unit.factor).toPrecision(12));
}

/** Whether a GS1 measurement type names temperature: `Temperature`, `gs1:Temperature` or the full vocabulary URI. */
export function isTemperatureType(type: string): boolean {
  return /^(gs1:|https:\/\/gs1\.org\/voc\/|https:\/\/ref\.gs1\.org\/voc\/)?Temperature$/.test(type);
}
