import {
  Gs1Error,
  isDigitalLinkPrimaryKey,
  parseDigitalLink,
  type ParsedDigitalLink,
  type ParsedEpcUri,
} from '@pedigree/gs1';
import { parsedEpcUri } from '../parsed-epc-uris';
import { error, type RuleFinding, warning } from './collector';

/**
 * What an identifier field must denote: an instance (epcList, childEPCs, parentID…), a class (epcClass),
 * a location (readPoint, bizLocation), a party or location (source, destination), or anything (bizTransaction).
 */
export type IdentifierRole = 'instance' | 'class' | 'location' | 'party' | 'any';

const CANONICAL_DL_HOST = /^https?:\/\/id\.gs1\.org\//i;
const HTTP_URI = /^https?:\/\//i;

function gs1Reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function epcRoleProblem(parsed: ParsedEpcUri, role: IdentifierRole): string | undefined {
  switch (role) {
    case 'instance':
      return parsed.kind === 'id'
        ? undefined
        : `${JSON.stringify(parsed.uri)} is a class or pattern, not the identifier of one object`;
    case 'class':
      return parsed.kind === 'id'
        ? `${JSON.stringify(parsed.uri)} identifies one object; epcClass needs a class (urn:epc:class:…) or pattern (urn:epc:idpat:…)`
        : undefined;
    case 'location':
      return parsed.kind === 'id' && parsed.scheme === 'sgln'
        ? undefined
        : `${JSON.stringify(parsed.uri)} is not a location identifier (sgln)`;
    case 'party':
      return parsed.kind === 'id' && (parsed.scheme === 'sgln' || parsed.scheme === 'pgln')
        ? undefined
        : `${JSON.stringify(parsed.uri)} is not a party or location identifier (pgln, sgln)`;
    default:
      return undefined;
  }
}

const SERIALISED_KEYS: Record<string, string> = { '01': '21', '8006': '21' };

function digitalLinkRoleProblem(parsed: ParsedDigitalLink, role: IdentifierRole): string | undefined {
  const key = parsed.primaryKey.ai;
  const hasQualifier = (ai: string) => parsed.qualifiers.some((q) => q.ai === ai);
  switch (role) {
    case 'instance': {
      const serialAi = SERIALISED_KEYS[key];
      return serialAi && !hasQualifier(serialAi)
        ? `${JSON.stringify(parsed.uri)} identifies a class (no serial, AI ${serialAi}), not one object; use a quantity list for classes`
        : undefined;
    }
    case 'class':
      return (key === '01' || key === '8006') && !hasQualifier('21')
        ? undefined
        : `${JSON.stringify(parsed.uri)} is not a class identifier (GTIN with optional lot); epcClass must not be serialised`;
    case 'location':
      return key === '414'
        ? undefined
        : `${JSON.stringify(parsed.uri)} is not a location identifier (GLN, AI 414)`;
    case 'party':
      return key === '414' || key === '417'
        ? undefined
        : `${JSON.stringify(parsed.uri)} is not a party or location identifier (AI 417 or 414)`;
    default:
      return undefined;
  }
}

/** Whether an http(s) URI has a path segment naming a GS1 Digital Link primary key followed by a value. */
function mayBeDigitalLink(uri: string): boolean {
  const pathStart = uri.indexOf('/', uri.indexOf('//') + 2);
  if (pathStart < 0) return false;
  const segments = uri
    .slice(pathStart + 1)
    .split(/[?#]/, 1)[0]
    .split('/');
  return segments.some((segment, index) => index < segments.length - 1 && isDigitalLinkPrimaryKey(segment));
}

/** A role mismatch is a warning: EPCIS 2.0 describes what each field names but states no SHALL about it. */
function roleWarning(message: string | undefined): RuleFinding | undefined {
  return message === undefined ? undefined : warning(message);
}

function uncachedIdentifierProblem(value: string, role: IdentifierRole): RuleFinding | undefined {
  if (value.startsWith('urn:epc:')) {
    let parsed: ParsedEpcUri;
    try {
      parsed = parsedEpcUri(value);
    } catch (cause) {
      return error(`invalid EPC URI ${JSON.stringify(value)}: ${gs1Reason(cause)}`);
    }
    return roleWarning(epcRoleProblem(parsed, role));
  }
  if (!HTTP_URI.test(value)) return undefined;
  const canonicalHost = CANONICAL_DL_HOST.test(value);
  if (!canonicalHost && !mayBeDigitalLink(value)) return undefined;
  let parsed: ParsedDigitalLink;
  try {
    parsed = parseDigitalLink(value);
  } catch (cause) {
    const looksLikeDigitalLink = canonicalHost || (cause instanceof Gs1Error && cause.code !== 'SYNTAX');
    return looksLikeDigitalLink
      ? error(`invalid GS1 Digital Link URI ${JSON.stringify(value)}: ${gs1Reason(cause)}`)
      : undefined;
  }
  return roleWarning(digitalLinkRoleProblem(parsed, role));
}

/**
 * Locations, parties and classes recur from event to event: their verdicts are remembered. Instance identifiers
 * (serial numbers) are mostly seen once and are checked each time.
 */
const MAX_REMEMBERED_VERDICTS = 10_000;
const RECURRING_ROLES: ReadonlySet<IdentifierRole> = new Set(['location', 'party', 'class']);
const verdicts = new Map<IdentifierRole, Map<string, RuleFinding | null>>(
  [...RECURRING_ROLES].map((role) => [role, new Map<string, RuleFinding | null>()]),
);

/**
 * Why an identifier is malformed (an error) or does not fit its role (a warning), or undefined. EPC URIs
 * (`urn:epc:…`) and GS1 Digital Link URIs are checked in full (syntax, lengths, check digits) with
 * @pedigree/gs1; other URIs are accepted as they are.
 */
export function identifierProblem(value: unknown, role: IdentifierRole): RuleFinding | undefined {
  if (typeof value !== 'string')
    return value === undefined ? undefined : error('an identifier must be a URI string');
  const remembered = verdicts.get(role);
  if (remembered === undefined) return uncachedIdentifierProblem(value, role);
  const verdict = remembered.get(value);
  if (verdict !== undefined) return verdict ?? undefined;
  const problem = uncachedIdentifierProblem(value, role);
  if (remembered.size >= MAX_REMEMBERED_VERDICTS) remembered.clear();
  remembered.set(value, problem ?? null);
  return problem;
}
