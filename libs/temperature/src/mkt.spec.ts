import { meanKineticTemperature } from './mkt';

describe('meanKineticTemperature', () => {
  it('is the temperature itself for a constant series', () => {
    expect(meanKineticTemperature([{ celsius: 5, weight: 60 }])).toBeCloseTo(5, 10);
    expect(
      meanKineticTemperature([
        { celsius: 25, weight: 1 },
        { celsius: 25, weight: 3 },
      ]),
    ).toBeCloseTo(25, 10);
  });

  it('matches a hand computation of the USP <1079.2> formula (ΔH/R = 10,000 K)', () => {
    // Two equal periods at 20 °C and 30 °C:
    //   e^(−10000/293.15) = 1.53196e-15, e^(−10000/303.15) = 4.71999e-15, mean 3.12597e-15,
    //   −ln(3.12597e-15) = 33.39903, 10000 / 33.39903 = 299.4099 K = 26.26 °C (above the arithmetic mean, 25 °C).
    expect(
      meanKineticTemperature([
        { celsius: 20, weight: 1 },
        { celsius: 30, weight: 1 },
      ]),
    ).toBeCloseTo(26.26, 2);
  });

  it('weights each value by the time it stands for', () => {
    // Three hours at 4 °C and one at 12 °C equal four readings 4, 4, 4, 12 taken at equal intervals.
    const weighted = meanKineticTemperature([
      { celsius: 4, weight: 3 },
      { celsius: 12, weight: 1 },
    ]);
    const equal = meanKineticTemperature([4, 4, 4, 12].map((celsius) => ({ celsius, weight: 1 })));
    expect(weighted).toBeCloseTo(equal!, 10);
    // Hand computation: (3·e^(−10000/277.15) + e^(−10000/285.15)) / 4 = 3.07421e-16; −ln = 35.71831;
    // 10000 / 35.71831 = 279.9684 K = 6.82 °C.
    expect(weighted).toBeCloseTo(6.82, 2);
  });

  it('uses the activation energy given', () => {
    const series = [
      { celsius: 2, weight: 1 },
      { celsius: 20, weight: 1 },
    ];
    // ΔH/R = 10,000 K: 15.01 °C by hand; a higher activation energy weighs the warm period more.
    expect(meanKineticTemperature(series)).toBeCloseTo(15.01, 2);
    const low = meanKineticTemperature(series, 60)!;
    const high = meanKineticTemperature(series, 120)!;
    expect(low).toBeGreaterThan(11);
    expect(low).toBeLessThan(15.01);
    expect(high).toBeGreaterThan(15.01);
  });

  it('is undefined for no values, and counts equally values that all stand for no time', () => {
    expect(meanKineticTemperature([])).toBeUndefined();
    expect(
      meanKineticTemperature([
        { celsius: 20, weight: 0 },
        { celsius: 30, weight: 0 },
      ]),
    ).toBeCloseTo(26.26, 2);
  });
});
