import { documentEventHashes, validateEpcisDocument } from '@pedigree/epcis';
import { partyGln } from '@pedigree/gs1';
import { DISTRIBUTORS, MANUFACTURER, PHARMACIES, PRODUCTS, RECALLED, demoDocument, demoStory } from './story';

describe('the demo story of pedigree demo load', () => {
  const story = demoStory(20_000);

  it('is ~20,000 packs of three lots in cases of 50 on pallets of 20 cases', () => {
    expect(story.packCount).toBe(21_000);
    expect(story.cases).toHaveLength(420);
    expect(story.pallets).toHaveLength(21);
    expect(new Set(story.cases.flatMap((c) => c.packs)).size).toBe(21_000);
    expect(new Set(story.cases.map((c) => c.lot))).toEqual(new Set(['AMX2601', 'AMX2602', 'INS2601']));
    expect(PRODUCTS.filter((p) => p.refrigerated)).toHaveLength(1);
  });

  it('names parties by valid GLNs and products by valid GTINs', () => {
    for (const party of [MANUFACTURER, ...DISTRIBUTORS, ...PHARMACIES]) {
      expect(partyGln(party.gln)).toBe(party.gln);
      expect(party.gln.startsWith(party.gcp)).toBe(true);
    }
    expect(new Set(PHARMACIES.map((p) => p.gln)).size).toBe(6);
    expect(PRODUCTS.map((p) => partyGln(p.gtin))).toEqual([undefined, undefined]);
    expect(PRODUCTS.every((p) => /^\d{14}$/.test(p.gtin))).toBe(true);
    expect(RECALLED.gtin).toBe(PRODUCTS[0]!.gtin);
  });

  it('captures only valid EPCIS 2.0 documents, and the same ones on every run', () => {
    const again = demoStory(20_000);
    for (const [i, capture] of story.captures.entries()) {
      const document = demoDocument(capture.events);
      const result = validateEpcisDocument(document);
      expect(result.problems).toEqual([]);
      expect(result.valid).toBe(true);
      expect(documentEventHashes(document)).toEqual(
        documentEventHashes(demoDocument(again.captures[i]!.events)),
      );
    }
  });

  it('sends every case to a pharmacy of its pallet’s distributor, and dispenses about one pack in seven', () => {
    for (const pallet of story.pallets) {
      const pharmacies =
        pallet.distributor === DISTRIBUTORS[0] ? PHARMACIES.slice(0, 3) : PHARMACIES.slice(3);
      for (const c of pallet.cases) expect(pharmacies).toContain(c.pharmacy);
    }
    expect(story.dispensed.size).toBe(420 * 7);
    expect(story.destroyed.size).toBe(6 * 2);
    for (const epc of story.destroyed) expect(story.dispensed.has(epc)).toBe(false);
  });

  it('puts a logger on each refrigerated pallet for its day on the road, one of them on a warm truck', () => {
    const insulin = story.pallets.filter((p) => p.product.refrigerated);
    expect(story.loggers.map((l) => l.subject)).toEqual(insulin.map((p) => p.sscc));
    for (const logger of story.loggers) expect(logger.readings).toHaveLength(24 * 6 + 1);
    const outOfRange = story.loggers.map((l) => l.readings.filter((r) => r.value < 2 || r.value > 8).length);
    expect(outOfRange).toEqual([18, ...Array(insulin.length - 1).fill(0)]);
  });
});
