import { PEDIGREE_DISPOSITIONS, statusFromEvent } from './pack-status';

describe('statusFromEvent', () => {
  it.each([
    ['in_transit', 'shipping', 'in_transit'],
    ['sellable_accessible', undefined, 'active'],
    ['retail_sold', 'retail_selling', 'dispensed'],
    [PEDIGREE_DISPOSITIONS.locked, 'holding', 'locked'],
    [undefined, 'commissioning', 'active'],
    [undefined, 'decommissioning', 'decommissioned'],
  ])('disposition %p, business step %p → %p', (disposition, bizStep, status) => {
    expect(statusFromEvent(disposition, bizStep)).toBe(status);
  });

  it('leaves the status unchanged for words that say nothing about it', () => {
    expect(statusFromEvent(undefined, 'inspecting')).toBeUndefined();
    expect(statusFromEvent(undefined, undefined)).toBeUndefined();
    // A disposition decides alone, even one that says nothing: the business step is not consulted.
    expect(statusFromEvent('urn:example:disposition:audited', 'shipping')).toBeUndefined();
  });

  it('finds no status in the names of object members', () => {
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(statusFromEvent(word, undefined)).toBeUndefined();
      expect(statusFromEvent(undefined, word)).toBeUndefined();
    }
  });
});
