import { EPCIS_ACTIONS, EPCIS_EVENT_TYPES, type EpcisEvent } from './events';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a JSON value has the shape every EPCIS 2.0 event has: one of the five event types, an event time and its
 * time zone offset, and an action unless it is a TransformationEvent. This is not validation (libs/epcis validation
 * checks the whole event against the GS1 schema and the CBV rules); it is what a consumer of an already validated
 * event, such as a Kafka message, checks before it treats the value as an event.
 */
export function isEpcisEvent(value: unknown): value is EpcisEvent {
  if (!isRecord(value)) return false;
  const { type, eventTime, eventTimeZoneOffset, action } = value;
  if (typeof type !== 'string' || !(EPCIS_EVENT_TYPES as readonly string[]).includes(type)) return false;
  if (typeof eventTime !== 'string' || typeof eventTimeZoneOffset !== 'string') return false;
  return (
    type === 'TransformationEvent' ||
    (typeof action === 'string' && (EPCIS_ACTIONS as readonly string[]).includes(action))
  );
}
