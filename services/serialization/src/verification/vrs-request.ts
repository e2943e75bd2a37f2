import { Gs1Error, isValidGs1Key, parseYymmdd, validateElement } from '@pedigree/gs1';

/** The release of the GS1 US implementation guideline this responder follows; sent back in `GS1US-Version`. */
export const GS1US_VERSION = '1.3.0';

export {
  ADDITIONAL_INFO,
  VERIFICATION_FAILURE_REASONS,
  type AdditionalInfo,
  type VerificationFailureReason,
  type VrsData,
  type VrsResponse,
} from '@pedigree/contracts';

/** A request the standard calls malformed: answered 400 (or the status given). */
export class VrsRequestError extends Error {
  constructor(
    message: string,
    readonly parameter: string,
    readonly status: 400 | 403 = 400,
  ) {
    super(message);
    this.name = 'VrsRequestError';
  }
}

/** A verification request, validated. */
export interface VrsRequest {
  gtin: string;
  lot: string;
  serial: string;
  /** `exp` as sent (YYMMDD) and resolved to an ISO date (DD=00 → last day of the month). */
  exp: string;
  expiry: string;
  context: string;
  reqGLN: string;
  corrUUID: string;
  /** Guideline 1.3 requester fields. */
  ctrlPossessAtt?: boolean;
  email?: string;
  telephone?: string;
}

export interface RawVrsRequest {
  gtin: string;
  lot: string;
  serial: string;
  query: Record<string, string | string[] | undefined>;
  version?: string;
}

const LINK_TYPES = new Set([
  'verificationService',
  'gs1:verificationService',
  'https://gs1.org/voc/verificationService',
  'https://ref.gs1.org/voc/verificationService',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^(\d+)\.(\d+)(\.(\d+))?$/;
const KNOWN_PARAMETERS = new Set([
  'exp',
  'linkType',
  'context',
  'reqGLN',
  'corrUUID',
  'ctrlPossessAtt',
  'email',
  'telephone',
  '17',
]);

function single(query: RawVrsRequest['query'], name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value))
    throw new VrsRequestError(`query parameter ${name} is given more than once`, name);
  return value;
}

function required(query: RawVrsRequest['query'], name: string): string {
  const value = single(query, name);
  if (value === undefined || value === '')
    throw new VrsRequestError(`query parameter ${name} is required`, name);
  return value;
}

function element(ai: string, value: string, parameter: string): void {
  try {
    validateElement({ ai, value });
  } catch (error) {
    if (error instanceof Gs1Error) throw new VrsRequestError(error.message, parameter);
    throw error;
  }
}

/** Checks the `GS1US-Version` header: absent (a pre-1.3 requester) or a 1.x release. */
export function checkVersionHeader(version: string | undefined): void {
  if (version === undefined || version === '') return;
  const match = VERSION.exec(version.trim());
  if (!match)
    throw new VrsRequestError(
      `GS1US-Version "${version}" is not a release number such as ${GS1US_VERSION}`,
      'GS1US-Version',
    );
  if (match[1] !== '1')
    throw new VrsRequestError(
      `GS1US-Version ${version} is not supported; this responder speaks ${GS1US_VERSION}`,
      'GS1US-Version',
    );
}

/**
 * Validates a verification request (`GET /verify/gtin/{gtin}/lot/{lot}/ser/{serial}?exp=…&linkType=…&context=…&reqGLN=…&corrUUID=…`).
 * `contexts` are the request contexts this responder accepts. Throws VrsRequestError (400) naming the parameter.
 */
export function parseVrsRequest(
  raw: RawVrsRequest,
  contexts: ReadonlySet<string>,
  now: Date = new Date(),
): VrsRequest {
  checkVersionHeader(raw.version);
  for (const name of Object.keys(raw.query)) {
    if (!KNOWN_PARAMETERS.has(name)) throw new VrsRequestError(`unknown query parameter ${name}`, name);
  }
  if (!/^\d{14}$/.test(raw.gtin)) throw new VrsRequestError(`GTIN "${raw.gtin}" must be 14 digits`, 'gtin');
  if (!isValidGs1Key('GTIN', raw.gtin))
    throw new VrsRequestError(`GTIN ${raw.gtin} has a wrong check digit`, 'gtin');
  element('10', raw.lot, 'lot');
  element('21', raw.serial, 'ser');

  const exp = single(raw.query, 'exp') ?? single(raw.query, '17');
  if (exp === undefined || exp === '') throw new VrsRequestError('query parameter exp is required', 'exp');
  let expiry: string;
  try {
    expiry = parseYymmdd(exp, true, '17', { now }).iso;
  } catch (error) {
    if (error instanceof Gs1Error) throw new VrsRequestError(`exp: ${error.message}`, 'exp');
    throw error;
  }

  const linkType = required(raw.query, 'linkType');
  if (!LINK_TYPES.has(linkType))
    throw new VrsRequestError(`linkType must be verificationService, not ${linkType}`, 'linkType');
  const context = required(raw.query, 'context');
  if (!contexts.has(context))
    throw new VrsRequestError(`unknown context ${context}; accepted: ${[...contexts].join(', ')}`, 'context');
  const reqGLN = required(raw.query, 'reqGLN');
  if (!isValidGs1Key('GLN', reqGLN))
    throw new VrsRequestError(`reqGLN ${reqGLN} is not a 13-digit GLN with a valid check digit`, 'reqGLN');
  const corrUUID = required(raw.query, 'corrUUID');
  if (!UUID.test(corrUUID)) throw new VrsRequestError(`corrUUID ${corrUUID} is not a UUID`, 'corrUUID');

  const request: VrsRequest = {
    gtin: raw.gtin,
    lot: raw.lot,
    serial: raw.serial,
    exp,
    expiry,
    context,
    reqGLN,
    corrUUID,
  };
  const attestation = single(raw.query, 'ctrlPossessAtt');
  if (attestation !== undefined) {
    if (attestation !== 'true' && attestation !== 'false')
      throw new VrsRequestError('ctrlPossessAtt must be true or false', 'ctrlPossessAtt');
    request.ctrlPossessAtt = attestation === 'true';
  }
  const email = single(raw.query, 'email');
  if (email !== undefined) {
    if (!/^[^@\s]+@[^@\s]+$/.test(email))
      throw new VrsRequestError(`email ${email} is not an e-mail address`, 'email');
    request.email = email;
  }
  const telephone = single(raw.query, 'telephone');
  if (telephone !== undefined) {
    if (!/^\+?[0-9 ().-]{3,32}$/.test(telephone))
      throw new VrsRequestError(`telephone ${telephone} is not a telephone number`, 'telephone');
    request.telephone = telephone;
  }
  return request;
}

/** Validates a checkConnectivity request (`GET /checkConnectivity?gtin=…&reqGLN=…&context=…`). */
export function parseConnectivityRequest(
  query: RawVrsRequest['query'],
  contexts: ReadonlySet<string>,
  version?: string,
): { gtin?: string; reqGLN: string; context?: string } {
  checkVersionHeader(version);
  const gtin = single(query, 'gtin');
  if (gtin !== undefined && !isValidGs1Key('GTIN', gtin))
    throw new VrsRequestError(`GTIN ${gtin} is not 14 digits with a valid check digit`, 'gtin');
  const reqGLN = required(query, 'reqGLN');
  if (!isValidGs1Key('GLN', reqGLN))
    throw new VrsRequestError(`reqGLN ${reqGLN} is not a 13-digit GLN with a valid check digit`, 'reqGLN');
  const context = single(query, 'context');
  if (context !== undefined && !contexts.has(context))
    throw new VrsRequestError(`unknown context ${context}`, 'context');
  return { gtin, reqGLN, context };
}
