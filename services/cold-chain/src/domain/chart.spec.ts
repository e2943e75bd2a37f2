import { temperatureChart } from './chart';

describe('temperatureChart', () => {
  it('draws the readings, the band, each excursion and the MKT', () => {
    const svg = temperatureChart({
      title: 'SSCC 106141411234567897 <pallet>',
      uom: 'CEL',
      points: [
        { time: 0, value: 5 },
        { time: 60_000, value: 12 },
        { time: 120_000, value: 5 },
      ],
      band: { min: 2, max: 8 },
      excursions: [{ start: 60_000, end: 120_000 }],
      mkt: 7.25,
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('class="band"');
    expect(svg.match(/class="excursion"/g)).toHaveLength(1);
    expect(svg).toMatch(/class="readings"[^>]*points="[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
    expect(svg).toContain('MKT 7.25 CEL');
    expect(svg).toContain('&lt;pallet&gt;');
  });
});
