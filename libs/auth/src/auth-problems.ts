import { ProblemException } from '@pedigree/service-runtime';

/**
 * How 401 and 403 answers are typed: `http` uses `about:blank` with the HTTP status title (RFC 9457 §4.2.1);
 * `epcis` uses the EPCIS 2.0 REST binding's `epcisException:SecurityException`.
 */
export type AuthProblemStyle = 'http' | 'epcis';

const TITLES: Record<AuthProblemStyle, Record<401 | 403, string>> = {
  http: { 401: 'Unauthorized', 403: 'Forbidden' },
  epcis: { 401: 'Unauthorised request', 403: 'Access to resource forbidden' },
};

/** A 401 (not authenticated) or 403 (authenticated, not allowed) problem+json answer to throw. */
export function authProblem(
  status: 401 | 403,
  detail: string,
  style: AuthProblemStyle = 'http',
): ProblemException {
  return new ProblemException({
    type: style === 'epcis' ? 'epcisException:SecurityException' : 'about:blank',
    title: TITLES[style][status],
    status,
    detail,
  });
}
