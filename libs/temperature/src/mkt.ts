import { largestOf } from './extremes';

/**
 * Mean kinetic temperature (Haynes, 1971; USP <1079.2>): the single temperature that would degrade a product as much as
 * the observed series, for a degradation following Arrhenius with activation energy ΔH:
 *
 *   MKT = (ΔH / R) / −ln( Σ wᵢ · e^(−ΔH / (R · Tᵢ)) / Σ wᵢ )      (Tᵢ in kelvin, wᵢ the time each reading stands for)
 *
 * With equal weights this is USP's formula; weighting by time makes readings taken at uneven intervals count for the
 * time they represent.
 */

/** The gas constant R in J/(mol·K), as USP <1079.2> uses it (83.144 kJ/mol / R = 10,000 K). */
export const GAS_CONSTANT = 8.3144;
/** USP <1079.2>'s default activation energy when a product's own is not known, kJ/mol. */
export const DEFAULT_ACTIVATION_ENERGY = 83.144;

export interface WeightedTemperature {
  celsius: number;
  /** The time the value stands for (any unit, e.g. milliseconds); 0 is allowed. */
  weight: number;
}

/**
 * MKT in °C of time-weighted values (activation energy in kJ/mol). When every weight is 0 (a single instant), the values
 * count equally. Undefined for an empty series.
 */
export function meanKineticTemperature(
  values: readonly WeightedTemperature[],
  activationEnergyKjPerMol = DEFAULT_ACTIVATION_ENERGY,
): number | undefined {
  if (values.length === 0) return undefined;
  const ratio = (activationEnergyKjPerMol * 1000) / GAS_CONSTANT;
  const totalWeight = values.reduce((sum, v) => sum + v.weight, 0);
  const weightOf = (v: WeightedTemperature) => (totalWeight > 0 ? v.weight : 1);
  const total = totalWeight > 0 ? totalWeight : values.length;
  // Factor out the largest exponent so that cold series do not underflow (e^(−ΔH/RT) is ~1e-16 near 0 °C).
  const exponents = values.map((v) => -ratio / (v.celsius + 273.15));
  const largest = largestOf(exponents);
  const sum = values.reduce((acc, v, i) => acc + weightOf(v) * Math.exp(exponents[i]! - largest), 0);
  const kelvin = ratio / -(Math.log(sum / total) + largest);
  return kelvin - 273.15;
}
