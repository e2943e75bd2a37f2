import { ProblemException } from '@pedigree/service-runtime';
import type { EpcisException, EpcisExceptionType, EpcisProblem } from '@pedigree/epcis';

const TITLES: Partial<Record<EpcisExceptionType, string>> = {
  ValidationException: 'The document is not valid EPCIS',
  QueryParameterException: 'Invalid query parameter',
  QueryTooLargeException: 'Query too large',
  CaptureLimitExceededException: 'Capture limit exceeded',
  UnsupportedMediaTypeException: 'Unsupported media type',
  NotAcceptableException: 'Not acceptable',
  NoSuchResourceException: 'No such resource',
  NoSuchNameException: 'No such query',
  ResourceAlreadyExistsException: 'The resource already exists',
  SubscriptionControlsException: 'Invalid subscription controls',
  ImplementationException: 'The capture could not be completed',
  SecurityException: 'Not allowed',
};

/** An EPCIS 2.0 exception as RFC 9457 problem details (`type: epcisException:<Name>`), with each problem listed. */
export function epcisProblem(
  type: EpcisExceptionType,
  status: number,
  detail: string,
  problems: readonly EpcisProblem[] = [],
): ProblemException {
  return new ProblemException({
    type: `epcisException:${type}`,
    title: TITLES[type] ?? type,
    status,
    detail,
    ...(problems.length > 0
      ? { errors: problems.map((p) => ({ pointer: p.pointer, detail: p.message })) }
      : {}),
  });
}

export function fromEpcisException(error: EpcisException, status = 400): ProblemException {
  return epcisProblem(error.exceptionType, status, error.message, error.problems);
}
