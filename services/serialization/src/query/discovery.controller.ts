import { Controller, HttpCode, Inject, Options, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@pedigree/auth';
import { SERVICE_CONFIG } from '@pedigree/service-runtime';
import type { SerializationConfig } from '../config';

const VERSION_HEADERS = {
  'GS1-EPCIS-Version': '2.0.0',
  'GS1-EPCIS-Min': '1.2.0',
  'GS1-EPCIS-Max': '2.0.0',
  'GS1-CBV-Version': '2.0.0',
  'GS1-CBV-Min': '1.2.0',
  'GS1-CBV-Max': '2.0.0',
  'GS1-EPC-Format': 'No_Preference',
  'GS1-CBV-XML-Format': 'No_Preference',
  // No EPCIS or CBV extension beyond the standard is implemented.
  'GS1-Extensions': '',
};

const header = (description: string) => ({ description, schema: { type: 'string' as const } });
const DISCOVERY_HEADERS = {
  Allow: header('the methods the resource serves'),
  'GS1-EPCIS-Version': header('2.0.0'),
  'GS1-EPCIS-Min': header('1.2.0 (XML 1.2 is captured)'),
  'GS1-EPCIS-Max': header('2.0.0'),
  'GS1-CBV-Version': header('2.0.0'),
  'GS1-CBV-Min': header('1.2.0'),
  'GS1-CBV-Max': header('2.0.0'),
  'GS1-EPC-Format': header(
    'No_Preference: the request chooses (Digital Links when it does not say; as stored with No_Preference)',
  ),
  'GS1-CBV-XML-Format': header('No_Preference: CBV URNs in XML unless the request asks otherwise'),
  'GS1-Extensions': header('empty: no extension beyond the standard'),
};
const CAPTURE_HEADERS = {
  ...DISCOVERY_HEADERS,
  'GS1-EPCIS-Capture-Limit': header('the most events a capture takes (CAPTURE_MAX_EVENTS)'),
  'GS1-EPCIS-Capture-File-Size-Limit': header('the most bytes a capture takes (CAPTURE_MAX_BYTES)'),
  'GS1-Capture-Error-Behaviour': header('rollback: a document is captured whole or not at all'),
};

/** Every EPCIS resource and the methods it serves. */
const RESOURCES: ReadonlyArray<{ path: string; allow: string; capture?: boolean }> = [
  { path: 'capture', allow: 'OPTIONS, GET, POST', capture: true },
  { path: 'events', allow: 'OPTIONS, GET, POST', capture: true },
  { path: 'queries', allow: 'OPTIONS, GET, POST' },
  { path: 'queries/:queryName/subscriptions', allow: 'OPTIONS, GET, POST' },
  { path: 'queries/:queryName', allow: 'OPTIONS, GET, DELETE' },
  { path: 'queries/:queryName/subscriptions/:subscriptionId', allow: 'OPTIONS, GET, DELETE' },
  ...[
    'capture/:captureId',
    'events/:eventId',
    'queries/:queryName/events',
    ...['eventTypes', 'epcs', 'bizSteps', 'bizLocations', 'readPoints', 'dispositions'].flatMap(
      (collection) => {
        const member = `${collection}/:${collection === 'epcs' ? 'epc' : collection.slice(0, -1)}`;
        return [collection, member, `${member}/events`];
      },
    ),
  ].map((path) => ({ path, allow: 'OPTIONS, GET' })),
];

const PARAMETER_EXAMPLES: Record<string, string> = {
  eventType: 'ObjectEvent',
  epc: 'urn:epc:id:sgtin:0614141.107346.2017',
  bizStep: 'commissioning',
  bizLocation: 'urn:epc:id:sgln:0614141.00000.0',
  readPoint: 'urn:epc:id:sgln:0614141.00000.0',
  disposition: 'active',
  captureId: '3f0e8f2c-5a43-4b8e-9f57-1c2d3e4f5a6b',
  eventId: 'urn:uuid:6a0c3f8e-0d1f-4d7e-9b7a-2f1e5a4b3c2d',
  queryName: 'commissioned',
  subscriptionId: '3f0e8f2c-5a43-4b8e-9f57-1c2d3e4f5a6b',
};

/**
 * `OPTIONS` of every EPCIS resource (EPCIS 2.0 REST binding discovery): the methods it serves and the GS1 headers,
 * without a token (what the server supports is no secret, and browsers send preflights without one). One handler per
 * resource, declared below from RESOURCES, so that each has its own path parameters in the OpenAPI description.
 */
@ApiTags('discovery')
@Controller()
export class DiscoveryController {
  constructor(@Inject(SERVICE_CONFIG) readonly config: SerializationConfig) {}
}

type DiscoveryHandler = (this: DiscoveryController, reply: FastifyReply) => void;

function discoveryHandler(allow: string, capture: boolean): DiscoveryHandler {
  return function (this: DiscoveryController, reply: FastifyReply): void {
    void reply.header('Allow', allow);
    for (const [name, value] of Object.entries(VERSION_HEADERS)) void reply.header(name, value);
    if (!capture) return;
    void reply.header('GS1-EPCIS-Capture-Limit', String(this.config.CAPTURE_MAX_EVENTS));
    void reply.header('GS1-EPCIS-Capture-File-Size-Limit', String(this.config.CAPTURE_MAX_BYTES));
    void reply.header('GS1-Capture-Error-Behaviour', 'rollback');
  };
}

for (const { path, allow, capture = false } of RESOURCES) {
  const name = `options${path.replace(/[/:]+(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase())}`;
  const prototype = DiscoveryController.prototype as unknown as Record<string, DiscoveryHandler>;
  const handler = discoveryHandler(allow, capture);
  // The OpenAPI operationId is made of the function's own name.
  Object.defineProperty(handler, 'name', { value: name });
  Object.defineProperty(prototype, name, { value: handler, writable: true });
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
  const decorators: MethodDecorator[] = [
    Public(),
    Options(path),
    HttpCode(204),
    ApiOperation({
      summary: `Discovery of /${path}: methods and GS1 headers`,
    }),
    ApiResponse({
      status: 204,
      description: 'the GS1 discovery headers',
      headers: capture ? CAPTURE_HEADERS : DISCOVERY_HEADERS,
    }),
    ...[...path.matchAll(/:(\w+)/g)].map(([, parameter]) =>
      ApiParam({ name: parameter!, example: PARAMETER_EXAMPLES[parameter!] }),
    ),
  ];
  for (const decorate of decorators) decorate(prototype, name, descriptor);
  Res({ passthrough: true })(prototype, name, 0);
}
