import { ownsCompanyPrefix, type Principal } from '@pedigree/auth';
import { honoursErrorDeclaration } from '@pedigree/registry';
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

/**
 * Error declarations of stored events another party captured (docs/authorisation.md): only an event's capturer, or an
 * admin, may declare it in error. `declarations` are the document's events that carry one (their index in the event
 * list and GS1 event hash); `capturers` the capturer of each of those already stored. An event not stored yet cannot
 * be judged here: the projector judges it when it arrives.
 */
export function errorDeclarationViolations(
  principal: Principal,
  declarations: ReadonlyArray<{ index: number; eventHash: string }>,
  capturers: ReadonlyMap<string, string>,
  eventListPointer: string,
): EpcisProblem[] {
  const declarer = { party: principal.party, admin: principal.roles.includes('admin') };
  return declarations.flatMap(({ index, eventHash }) => {
    const capturedBy = capturers.get(eventHash);
    if (capturedBy === undefined || honoursErrorDeclaration(capturedBy, declarer)) return [];
    return [
      {
        pointer: jsonPointer(eventListPointer, index, 'errorDeclaration'),
        message: `event ${eventHash} was captured by party ${capturedBy}: only it (or an admin) may declare it in error`,
      },
    ];
  });
}

export const CAPTURING_ROLES = ['manufacturer', 'distributor', 'dispenser', 'admin'] as const;
