import type { EpcisEventMessage } from '@pedigree/contracts';
import type { EpcisEvent } from '@pedigree/epcis';
import { loggerKey, translateEpcisEvents, translateReadingBatches } from './translate';

const MANUFACTURER = '0614141000005';
const WHOLESALER = '4012345000009';
const PACK = 'urn:epc:id:sgtin:0614141.107346.2017';
const PACK_KEY = 'https://id.gs1.org/01/10614141073464/21/2017';
const PALLET = 'urn:epc:id:sscc:0614141.1234567890';
const PALLET_KEY = 'https://id.gs1.org/00/106141412345678908';
const LOGGER = 'urn:epc:id:giai:0614141.LOGGER1';
const NOW = Date.parse('2026-03-05T00:00:00Z');

function message(event: Record<string, unknown>, n = 1): EpcisEventMessage {
  return {
    eventHash: `ni:///sha-256;${String(n).padStart(64, '0')}?ver=CBV2.0`,
    captureId: 'c',
    capturedBy: MANUFACTURER,
    recordTime: '2026-03-04T00:00:00Z',
    namespaces: {},
    event: { eventTimeZoneOffset: '+00:00', ...event } as unknown as EpcisEvent,
  };
}

describe('translateEpcisEvents', () => {
  it('keeps commissioned packs with their lot, and who may see them', () => {
    const batch = translateEpcisEvents(
      [
        message({
          type: 'ObjectEvent',
          action: 'ADD',
          eventTime: '2026-03-01T08:00:00Z',
          epcList: [PACK],
          bizStep: 'commissioning',
          ilmd: { 'cbvmda:lotNumber': 'LOT1' },
        }),
      ],
      NOW,
    );
    expect(batch.items).toEqual([{ key: PACK_KEY, gtin: '10614141073464', serial: '2017', lot: 'LOT1' }]);
    expect(batch.parties).toEqual([{ key: PACK_KEY, party: MANUFACTURER }]);
  });

  it('keeps packing and unpacking, one row per child; an unpacking naming no child unpacks all', () => {
    const batch = translateEpcisEvents(
      [
        message(
          {
            type: 'AggregationEvent',
            action: 'ADD',
            eventTime: '2026-03-01T09:00:00Z',
            parentID: PALLET,
            childEPCs: [PACK],
          },
          1,
        ),
        message(
          { type: 'AggregationEvent', action: 'DELETE', eventTime: '2026-03-02T09:00:00Z', parentID: PALLET },
          2,
        ),
      ],
      NOW,
    );
    expect(batch.aggregations.map((a) => [a.action, a.parentKey, a.childKey])).toEqual([
      ['ADD', PALLET_KEY, PACK_KEY],
      ['DELETE', PALLET_KEY, null],
    ]);
  });

  it('reads a logger’s association with logistic units, either way round', () => {
    const logger = loggerKey(LOGGER);
    const ours = translateEpcisEvents(
      [
        message({
          type: 'AssociationEvent',
          action: 'ADD',
          eventTime: '2026-03-01T10:00:00Z',
          parentID: LOGGER,
          childEPCs: [PALLET],
        }),
      ],
      NOW,
    );
    const gs1 = translateEpcisEvents(
      [
        message({
          type: 'AssociationEvent',
          action: 'ADD',
          eventTime: '2026-03-01T10:00:00Z',
          parentID: PALLET,
          childEPCs: [LOGGER],
        }),
      ],
      NOW,
    );
    for (const batch of [ours, gs1])
      expect(batch.associations).toEqual([
        {
          loggerId: logger,
          subjectKey: PALLET_KEY,
          action: 'ADD',
          from: Date.parse('2026-03-01T10:00:00Z'),
          to: null,
          recordTime: expect.any(Number),
        },
      ]);
  });

  it('takes temperature reports of sensorElementList as readings of their device, converting units', () => {
    const batch = translateEpcisEvents(
      [
        message({
          type: 'ObjectEvent',
          action: 'OBSERVE',
          eventTime: '2026-03-02T10:00:00Z',
          epcList: [PALLET],
          bizStep: 'shipping',
          destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:4012345.00000' }],
          sensorElementList: [
            {
              sensorMetadata: {
                deviceID: LOGGER,
                startTime: '2026-03-02T08:00:00Z',
                endTime: '2026-03-02T10:00:00Z',
              },
              sensorReport: [
                { type: 'gs1:Temperature', value: 41, uom: 'FAH', time: '2026-03-02T09:00:00Z' },
                { type: 'gs1:Temperature', minValue: 2, maxValue: 12, meanValue: 6, uom: 'CEL' },
                { type: 'gs1:RelativeHumidity', value: 40, uom: 'P1' },
                { type: 'gs1:Temperature', value: 5, uom: 'CEL', time: '2026-03-09T09:00:00Z' },
              ],
            },
          ],
        }),
      ],
      NOW,
    );
    const logger = loggerKey(LOGGER);
    expect(
      batch.readings.map((r) => [r.time.toISOString(), r.celsius, r.minCelsius, r.maxCelsius, r.claimedBy]),
    ).toEqual([
      ['2026-03-02T09:00:00.000Z', expect.closeTo(5, 10), null, null, MANUFACTURER],
      ['2026-03-02T09:00:00.000Z', 6, 2, 12, MANUFACTURER],
    ]);
    expect(batch.loggerOwners).toEqual([{ loggerId: logger, owner: MANUFACTURER }]);
    // The logger travels with the pallet from the shipping on, and for the span of the event's readings.
    expect(batch.associations.map((a) => a.action).sort()).toEqual(['ADD', 'SPAN']);
    expect(batch.parties).toContainEqual({ key: PALLET_KEY, party: WHOLESALER });
  });

  it('leaves error-declared events out', () => {
    const batch = translateEpcisEvents(
      [
        message({
          type: 'AggregationEvent',
          action: 'ADD',
          eventTime: '2026-03-01T09:00:00Z',
          parentID: PALLET,
          childEPCs: [PACK],
          errorDeclaration: { declarationTime: '2026-03-03T00:00:00Z' },
        }),
      ],
      NOW,
    );
    expect(batch.aggregations).toEqual([]);
  });
});

describe('translateReadingBatches', () => {
  it('converts to °C, drops future readings, and associates the logger with the batch subject for its span', () => {
    const batch = translateReadingBatches(
      [
        {
          loggerId: 'L1',
          subject: PALLET,
          sentBy: WHOLESALER,
          readings: [
            { time: '2026-03-02T10:00:00Z', type: 'Temperature', value: 278.15, uom: 'KEL' },
            { time: '2026-03-02T10:05:00Z', type: 'Temperature', value: 46.4, uom: 'FAH' },
            { time: '2026-03-09T10:05:00Z', type: 'Temperature', value: 5, uom: 'CEL' },
          ],
        },
      ],
      NOW,
    );
    expect(batch.readings.map((r) => [r.loggerId, r.celsius, r.uom])).toEqual([
      ['L1', expect.closeTo(5, 10), 'KEL'],
      ['L1', expect.closeTo(8, 10), 'FAH'],
    ]);
    expect(batch.associations).toEqual([
      {
        loggerId: 'L1',
        subjectKey: PALLET_KEY,
        action: 'SPAN',
        from: Date.parse('2026-03-02T10:00:00Z'),
        to: Date.parse('2026-03-02T10:05:00Z'),
        recordTime: expect.any(Number),
      },
    ]);
    expect(batch.parties).toEqual([{ key: PALLET_KEY, party: WHOLESALER }]);
  });
});
