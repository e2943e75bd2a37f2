import { ownsCompanyPrefix, type Principal } from '@pedigree/auth';
import {
  documentEvents,
  jsonPointer,
  toBareCbvWord,
  type AnyEpcisDocument,
  type EpcisProblem,
} from '@pedigree/epcis';

/**
 * Who may capture what: only parties with a supply-chain role capture; identifiers may be commissioned (brought into
 * existence: ObjectEvent ADD, TransformationEvent outputs, bizStep commissioning) only under the capturer's own GS1
 * company prefixes. Admins are exempt. Returns one problem per offending identifier.
 */
export function commissioningViolations(
  principal: Principal,
  document: AnyEpcisDocument,
  eventListPointer: string,
): EpcisProblem[] {
  if (principal.roles.includes('admin')) return [];
  const problems: EpcisProblem[] = [];
  documentEvents(document).forEach((event, index) => {
    const commissioned =
      event.type === 'TransformationEvent'
        ? { field: 'outputEPCList', epcs: event.outputEPCList }
        : event.type === 'ObjectEvent' &&
            (event.action === 'ADD' ||
              (event.bizStep !== undefined && toBareCbvWord('bizStep', event.bizStep) === 'commissioning'))
          ? { field: 'epcList', epcs: event.epcList }
          : undefined;
    if (!commissioned) return;
    const { field, epcs } = commissioned;
    (epcs ?? []).forEach((epc, i) => {
      if (!ownsCompanyPrefix(principal, epc)) {
        problems.push({
          pointer: jsonPointer(eventListPointer, index, field, i),
          message: `${epc} is not under a GS1 company prefix of party ${principal.party} (${principal.gcps.join(', ') || 'none'})`,
        });
      }
    });
  });
  return problems;
}

export const CAPTURING_ROLES = ['manufacturer', 'distributor', 'dispenser', 'admin'] as const;
