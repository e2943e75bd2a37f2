import { isEpcisEvent } from './event-guard';

const objectEvent = {
  type: 'ObjectEvent',
  action: 'ADD',
  eventTime: '2026-01-01T08:00:00Z',
  eventTimeZoneOffset: '+00:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
};

describe('isEpcisEvent', () => {
  it('accepts the five event types with their action, and a TransformationEvent without one', () => {
    expect(isEpcisEvent(objectEvent)).toBe(true);
    for (const type of ['AggregationEvent', 'TransactionEvent', 'AssociationEvent'])
      expect(isEpcisEvent({ ...objectEvent, type })).toBe(true);
    const { action: _action, ...withoutAction } = objectEvent;
    expect(isEpcisEvent({ ...withoutAction, type: 'TransformationEvent' })).toBe(true);
  });

  it.each([
    ['null', null],
    ['an array', [objectEvent]],
    ['an unknown type', { ...objectEvent, type: 'SensorEvent' }],
    ['no event time', { ...objectEvent, eventTime: undefined }],
    ['no time zone offset', { ...objectEvent, eventTimeZoneOffset: undefined }],
    ['an ObjectEvent without action', { ...objectEvent, action: undefined }],
    ['an unknown action', { ...objectEvent, action: 'UPDATE' }],
  ])('refuses %s', (_what, value) => {
    expect(isEpcisEvent(value)).toBe(false);
  });
});
