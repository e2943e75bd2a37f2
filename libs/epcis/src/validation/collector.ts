import type { EpcisProblem } from '../errors';
import type { Location } from '../location';

/**
 * How a broken rule is reported: an `error` breaks a requirement of EPCIS 2.0 / CBV 2.0 and refuses the
 * document; a `warning` is a data-quality finding the standard does not forbid (see docs/epcis-validation-rules.md).
 */
export type Severity = 'error' | 'warning';

/** A broken rule and how it is reported. */
export interface RuleFinding {
  severity: Severity;
  message: string;
}

export const error = (message: string): RuleFinding => ({ severity: 'error', message });
export const warning = (message: string): RuleFinding => ({ severity: 'warning', message });

/** Collects the errors and warnings for one document. */
export class ProblemCollector {
  readonly problems: EpcisProblem[] = [];
  readonly warnings: EpcisProblem[] = [];

  /** Records the error `message` (when there is one) at `location`. */
  add(location: Location, message: string | undefined): void {
    if (message !== undefined) this.problems.push({ pointer: location.pointer(), message });
  }

  /** Records the warning `message` (when there is one) at `location`. */
  warn(location: Location, message: string | undefined): void {
    if (message !== undefined) this.warnings.push({ pointer: location.pointer(), message });
  }

  /** Records `finding` (when there is one) at `location` with its own severity. */
  report(location: Location, finding: RuleFinding | undefined): void {
    if (finding === undefined) return;
    if (finding.severity === 'error') this.add(location, finding.message);
    else this.warn(location, finding.message);
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
