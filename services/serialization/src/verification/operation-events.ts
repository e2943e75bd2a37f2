import { formatDigitalLink } from '@pedigree/gs1';
import type { CbvBizStep, CbvDisposition } from '@pedigree/epcis';
import { PEDIGREE_DISPOSITIONS, type PedigreeDisposition } from '@pedigree/registry';
import type { PackOperation } from './pack-view';

/** Business step and disposition of the ObjectEvent each pack operation is captured as (CBV 2.0 where it has a word). */
const VOCABULARY: Record<
  PackOperation,
  { bizStep: CbvBizStep; disposition?: CbvDisposition | PedigreeDisposition }
> = {
  supply: { bizStep: 'dispensing', disposition: 'dispensed' },
  destroy: { bizStep: 'destroying', disposition: 'destroyed' },
  stolen: { bizStep: 'decommissioning', disposition: 'stolen' },
  sample: { bizStep: 'sampling', disposition: PEDIGREE_DISPOSITIONS.sample },
  export: { bizStep: 'decommissioning', disposition: PEDIGREE_DISPOSITIONS.exported },
  'free-sample': { bizStep: 'decommissioning', disposition: PEDIGREE_DISPOSITIONS.free_sample },
  lock: { bizStep: 'holding', disposition: PEDIGREE_DISPOSITIONS.locked },
  'check-out': { bizStep: 'decommissioning', disposition: PEDIGREE_DISPOSITIONS.checked_out },
};

/**
 * The EPCIS 2.0 ObjectEvent (OBSERVE) that records a pack operation: the pack as a Digital Link, the premises (GLN)
 * as read point and business location. The same event with an errorDeclaration undoes it.
 */
export function operationEvent(
  operation: PackOperation,
  pack: { gtin: string; serial: string; location: string; at: Date },
): Record<string, unknown> {
  const premises = formatDigitalLink([{ ai: '414', value: pack.location }]);
  const { bizStep, disposition } = VOCABULARY[operation];
  return {
    type: 'ObjectEvent',
    eventTime: pack.at.toISOString(),
    eventTimeZoneOffset: '+00:00',
    epcList: [
      formatDigitalLink([
        { ai: '01', value: pack.gtin },
        { ai: '21', value: pack.serial },
      ]),
    ],
    action: 'OBSERVE',
    bizStep,
    ...(disposition ? { disposition } : {}),
    readPoint: { id: premises },
    bizLocation: { id: premises },
  };
}
