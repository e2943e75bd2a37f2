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

  describe('published worked examples (issue #15)', () => {
    // Each expectation is held to the precision the source printed its result with. The sources are read from
    // stored copies of the public pages on 2026-12-04; none of them dates its example.

    it('matches the product-on-the-move example of Isopharm, to the 0.1 °C published', () => {
      // Isopharm Systems, "FAQ & Resources — What is Mean Kinetic Temperature?",
      // https://systems.isopharm.co.uk/mean-kinetic-temperature/ (undated): 2 h at 20 °C, 4 h at 2 °C and 1 h at
      // 25 °C are thermally equivalent to 7 h at 15.7 °C. The page does not say which ΔH the example used (it gives
      // 60–100 kJ/mol as the usual range); 15.7 °C pins it near the USP 83.144 kJ/mol (60 gives 14.3, 100 gives 16.5).
      const profile = [
        { celsius: 20, weight: 2 },
        { celsius: 2, weight: 4 },
        { celsius: 25, weight: 1 },
      ];
      const mkt = meanKineticTemperature(profile)!;
      expect(mkt).toBeCloseTo(15.7, 1); // computed: 15.678 °C
      // MadgeTech's knowledge base ("Mean Kinetic Temperature", undated,
      // http://www.madgetech.com/kbase/software/mean-kinetic-temperature.html) prints 10.096 °C for the same three
      // periods. No MKT can be that: it lies below the time-weighted arithmetic mean, (2·20 + 4·2 + 1·25) / 7 =
      // 10.43 °C, under which an MKT never falls for any ΔH > 0.
      expect(mkt).toBeGreaterThan((2 * 20 + 4 * 2 + 1 * 25) / 7);
    });

    it('matches the controlled-room-temperature example of ToolJolt, to the 0.01 °C published', () => {
      // ToolJolt, "Controlled Room Temperature (CRT) MKT Calculator",
      // https://tooljolt.com/tools/controlled-room-temperature-mkt-calculator (undated), default profile with
      // ΔH = 83.144 kJ/mol and hours as weights: 16 h at 24 °C, 5 h at 26 °C, 3 h at 28 °C, 24 h at 21 °C → 23.23 °C.
      // (Only the MKT is used: the page compares it with the unweighted mean of the four values, 24.75 °C, not with
      // the time-weighted one, 22.96 °C.)
      const profile = [
        { celsius: 24, weight: 16 },
        { celsius: 26, weight: 5 },
        { celsius: 28, weight: 3 },
        { celsius: 21, weight: 24 },
      ];
      expect(meanKineticTemperature(profile, 83.144)).toBeCloseTo(23.23, 2); // computed: 23.2297 °C
    });

    it('matches the equally spaced example of the zelti/mkt PostgreSQL aggregate, to the 0.01 °C published', () => {
      // zelti/mkt, "Mean kinetic temperature aggregate function for postgres", README.md usage example
      // (https://github.com/zelti/mkt, README at commit 102ca5052c4216cc986deb3716cff3fdf41fc4ae): readings 2, 2, 5,
      // 8, 8, 8, 8 °C → 6.25 °C, with ΔH = 83.14472 kJ/mol and R = 0.008314472 kJ/(mol·K) in its MKT_function.sql,
      // i.e. ΔH/R = 10,000 K as here, and the result rounded to two decimals.
      const readings = [2, 2, 5, 8, 8, 8, 8].map((celsius) => ({ celsius, weight: 1 }));
      expect(meanKineticTemperature(readings)).toBeCloseTo(6.25, 2); // computed: 6.2503 °C
    });
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
