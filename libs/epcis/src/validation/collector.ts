import type { EpcisProblem } from '../errors';
import type { Location } from '../location';

/** Collects problems for one document. */
export class ProblemCollector {
  readonly problems: EpcisProblem[] = [];

  /** Records `message` (when there is one) at `location`. */
  add(location: Location, message: string | undefined): void {
    if (message !== undefined) this.problems.push({ pointer: location.pointer(), message });
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nonEmptyArray(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0;
}

/** UN/ECE Recommendation 20 common codes: 2 or 3 upper-case letters or digits. */
export const UOM_PATTERN = /^[A-Z0-9]{2,3}$/;
