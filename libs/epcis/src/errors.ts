/**
 * EPCIS 2.0 exception types (EPCIS 2.0 §8.2.7/§12 and the REST binding's `epcisException:*` problem types).
 * Every failure that libs/epcis reports is an EpcisException carrying one or more problems, each with
 * an RFC 6901 JSON pointer into the document as it would look in EPCIS 2.0 JSON-LD.
 */
export type EpcisExceptionType =
  | 'ValidationException'
  | 'QueryParameterException'
  | 'QueryValidationException'
  | 'QueryTooLargeException'
  | 'QueryTooComplexException'
  | 'SecurityException'
  | 'NoSuchNameException'
  | 'NoSuchResourceException'
  | 'CaptureLimitExceededException'
  | 'ResourceAlreadyExistsException'
  | 'SubscriptionControlsException'
  | 'UnsupportedMediaTypeException'
  | 'NotAcceptableException'
  | 'ImplementationException';

export interface EpcisProblem {
  /** RFC 6901 JSON pointer to the offending value, e.g. `/epcisBody/eventList/0/epcList/1`. */
  pointer: string;
  message: string;
}

export class EpcisException extends Error {
  constructor(
    readonly exceptionType: EpcisExceptionType,
    readonly problems: readonly EpcisProblem[],
    message = problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '),
  ) {
    super(message);
    this.name = exceptionType;
  }

  /** The problem type URI used by the EPCIS 2.0 REST binding, e.g. `epcisException:ValidationException`. */
  get problemType(): string {
    return `epcisException:${this.exceptionType}`;
  }
}

/** Appends a path segment to a JSON pointer, escaping `~` and `/` as RFC 6901 requires. */
export function jsonPointer(base: string, ...segments: Array<string | number>): string {
  return segments.reduce<string>(
    (acc, s) => `${acc}/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`,
    base,
  );
}
