/**
 * Conversion between the UN/ECE Recommendation 20 units of measure that EPCIS sensor readings and quantities commonly
 * use (`uom`): each unit is a linear function of its dimension's SI unit, `si = value × factor + offset`.
 *
 * Source: UN/ECE Recommendation No. 20 "Codes for Units of Measure Used in International Trade", Revision 17 (2021),
 * Annexes II and III (common code, name, conversion factor to the SI unit). Exact factors for the inch, foot, yard,
 * mile, pound and ounce are those of the international yard and pound (1959), as Recommendation 20 states them; the
 * US gallon is 231 cubic inches. A unit absent from this table is compared only with itself.
 */

export type UnitDimension = 'temperature' | 'mass' | 'length' | 'volume' | 'pressure' | 'time' | 'speed';

export interface UnitDefinition {
  code: string;
  name: string;
  dimension: UnitDimension;
  /** SI value of one unit (K, kg, m, m³, Pa, s, m/s). */
  factor: number;
  /** Added after scaling: only the Celsius and Fahrenheit scales have one. */
  offset: number;
}

const unit = (code: string, name: string, dimension: UnitDimension, factor: number, offset = 0) =>
  [code, { code, name, dimension, factor, offset }] as const;

export const UNECE_REC20_UNITS: ReadonlyMap<string, UnitDefinition> = new Map([
  unit('KEL', 'kelvin', 'temperature', 1),
  unit('CEL', 'degree Celsius', 'temperature', 1, 273.15),
  unit('FAH', 'degree Fahrenheit', 'temperature', 5 / 9, (459.67 * 5) / 9),
  unit('A48', 'degree Rankine', 'temperature', 5 / 9),
  unit('KGM', 'kilogram', 'mass', 1),
  unit('GRM', 'gram', 'mass', 1e-3),
  unit('MGM', 'milligram', 'mass', 1e-6),
  unit('MC', 'microgram', 'mass', 1e-9),
  unit('TNE', 'tonne (metric ton)', 'mass', 1e3),
  unit('LBR', 'pound', 'mass', 0.45359237),
  unit('ONZ', 'ounce (avoirdupois)', 'mass', 0.028349523125),
  unit('MTR', 'metre', 'length', 1),
  unit('KMT', 'kilometre', 'length', 1e3),
  unit('CMT', 'centimetre', 'length', 1e-2),
  unit('MMT', 'millimetre', 'length', 1e-3),
  unit('INH', 'inch', 'length', 0.0254),
  unit('FOT', 'foot', 'length', 0.3048),
  unit('YRD', 'yard', 'length', 0.9144),
  unit('SMI', 'mile (statute mile)', 'length', 1609.344),
  unit('MTQ', 'cubic metre', 'volume', 1),
  unit('DMQ', 'cubic decimetre', 'volume', 1e-3),
  unit('LTR', 'litre', 'volume', 1e-3),
  unit('CMQ', 'cubic centimetre', 'volume', 1e-6),
  unit('MLT', 'millilitre', 'volume', 1e-6),
  unit('GLL', 'gallon (US)', 'volume', 3.785411784e-3),
  unit('PAL', 'pascal', 'pressure', 1),
  unit('A97', 'hectopascal', 'pressure', 1e2),
  unit('MBR', 'millibar', 'pressure', 1e2),
  unit('KPA', 'kilopascal', 'pressure', 1e3),
  unit('BAR', 'bar [unit of pressure]', 'pressure', 1e5),
  unit('SEC', 'second [unit of time]', 'time', 1),
  unit('MIN', 'minute [unit of time]', 'time', 60),
  unit('HUR', 'hour', 'time', 3600),
  unit('DAY', 'day', 'time', 86400),
  unit('MTS', 'metre per second', 'speed', 1),
  unit('KMH', 'kilometre per hour', 'speed', 1 / 3.6),
]);

/** Rounds away the binary noise of a conversion (5 CEL → 41.00000000000001 FAH): 12 significant digits. */
function rounded(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * A value given in `from`, expressed in every unit it can be compared with: the same code, and every unit of the same
 * dimension in the table. `difference` converts a spread (a standard deviation), which scales but has no offset.
 */
export function inEveryComparableUnit(
  value: number,
  from: string,
  kind: 'value' | 'difference' = 'value',
): Array<{ uom: string; value: number }> {
  const source = UNECE_REC20_UNITS.get(from);
  if (!source) return [{ uom: from, value }];
  const si = value * source.factor + (kind === 'value' ? source.offset : 0);
  return [...UNECE_REC20_UNITS.values()]
    .filter((target) => target.dimension === source.dimension)
    .map((target) => ({
      uom: target.code,
      value:
        target.code === from ? value : rounded((si - (kind === 'value' ? target.offset : 0)) / target.factor),
    }));
}
