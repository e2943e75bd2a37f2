import type { ContentObject } from '@nestjs/swagger';

/**
 * Request examples of the capture routes' OpenAPI description: a commissioning under GS1 company prefix 0614141
 * (the story of the README), which a manufacturer owning that prefix may capture.
 */
export const EXAMPLE_EVENT = {
  type: 'ObjectEvent',
  eventTime: '2026-03-01T08:00:00.000+01:00',
  eventTimeZoneOffset: '+01:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018'],
  action: 'ADD',
  bizStep: 'commissioning',
  disposition: 'active',
  readPoint: { id: 'urn:epc:id:sgln:0614141.00000.0' },
  bizLocation: { id: 'urn:epc:id:sgln:0614141.00000.0' },
  ilmd: { 'cbvmda:lotNumber': 'LOT1', 'cbvmda:itemExpirationDate': '2028-12-31' },
};

const EXAMPLE_DOCUMENT = {
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-03-01T08:05:00.000Z',
  epcisBody: { eventList: [EXAMPLE_EVENT] },
};

const EXAMPLE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:cbvmda="urn:epcglobal:cbv:mda" schemaVersion="2.0" creationDate="2026-03-01T08:05:00.000Z">
  <EPCISBody>
    <EventList>
      <ObjectEvent>
        <eventTime>2026-03-01T08:00:00.000+01:00</eventTime>
        <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
        <epcList><epc>urn:epc:id:sgtin:0614141.107346.2019</epc></epcList>
        <action>ADD</action>
        <bizStep>https://ref.gs1.org/cbv/BizStep-commissioning</bizStep>
        <disposition>https://ref.gs1.org/cbv/Disp-active</disposition>
        <readPoint><id>urn:epc:id:sgln:0614141.00000.0</id></readPoint>
        <ilmd><cbvmda:lotNumber>LOT1</cbvmda:lotNumber><cbvmda:itemExpirationDate>2028-12-31</cbvmda:itemExpirationDate></ilmd>
      </ObjectEvent>
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>
`;

/** An EPCIS document or event as a JSON body: an object (libs/epcis validates it whole). */
const JSON_BODY = { type: 'object', additionalProperties: true } as const;

/** The request body of `POST /capture`: an EPCISDocument as JSON-LD or XML. */
export const CAPTURE_BODY: ContentObject = {
  'application/ld+json': { schema: JSON_BODY, example: EXAMPLE_DOCUMENT },
  'application/json': { schema: JSON_BODY, example: EXAMPLE_DOCUMENT },
  'application/xml': { schema: { type: 'string' }, example: EXAMPLE_XML },
  'text/xml': { schema: { type: 'string' }, example: EXAMPLE_XML },
};

/** The request body of `POST /events`: one EPCIS event as JSON-LD. */
export const EVENT_BODY: ContentObject = {
  'application/ld+json': { schema: JSON_BODY, example: EXAMPLE_EVENT },
  'application/json': { schema: JSON_BODY, example: EXAMPLE_EVENT },
};
