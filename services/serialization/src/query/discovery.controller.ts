import { Controller, HttpCode, Inject, Options, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthProblems } from '@pedigree/auth';
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
  'GS1-EPC-Format': header('No_Preference: identifiers as stored unless the request asks otherwise'),
  'GS1-CBV-XML-Format': header('No_Preference: CBV URNs in XML unless the request asks otherwise'),
  'GS1-Extensions': header('empty: no extension beyond the standard'),
};
const CAPTURE_HEADERS = {
  ...DISCOVERY_HEADERS,
  'GS1-EPCIS-Capture-Limit': header('the most events a capture takes (CAPTURE_MAX_EVENTS)'),
  'GS1-EPCIS-Capture-File-Size-Limit': header('the most bytes a capture takes (CAPTURE_MAX_BYTES)'),
  'GS1-Capture-Error-Behaviour': header('rollback: a document is captured whole or not at all'),
};

const READ_ONLY = [
  'eventTypes',
  'eventTypes/:eventType',
  'eventTypes/:eventType/events',
  'epcs',
  'epcs/:epc',
  'epcs/:epc/events',
  'bizSteps',
  'bizSteps/:bizStep',
  'bizSteps/:bizStep/events',
  'bizLocations',
  'bizLocations/:bizLocation',
  'bizLocations/:bizLocation/events',
  'readPoints',
  'readPoints/:readPoint',
  'readPoints/:readPoint/events',
  'dispositions',
  'dispositions/:disposition',
  'dispositions/:disposition/events',
  'capture/:captureId',
  'events/:eventId',
  'queries/:queryName/events',
];

/** `OPTIONS` of every EPCIS resource (EPCIS 2.0 REST binding discovery): the methods and the GS1 headers. */
@ApiTags('discovery')
@ApiBearerAuth()
@AuthProblems('epcis')
@Controller()
export class DiscoveryController {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: SerializationConfig) {}

  @Options('/')
  @HttpCode(204)
  @ApiOperation({ summary: 'EPCIS versions, vocabularies and formats this server supports' })
  @ApiResponse({ status: 204, description: 'the GS1 discovery headers', headers: DISCOVERY_HEADERS })
  root(@Res({ passthrough: true }) reply: FastifyReply): void {
    this.discovery(reply, 'OPTIONS');
  }

  @Options(READ_ONLY)
  @HttpCode(204)
  @ApiOperation({ summary: 'Discovery of a read-only EPCIS resource' })
  @ApiResponse({ status: 204, description: 'the GS1 discovery headers', headers: DISCOVERY_HEADERS })
  readOnly(@Res({ passthrough: true }) reply: FastifyReply): void {
    this.discovery(reply, 'OPTIONS, GET');
  }

  @Options(['capture', 'events'])
  @HttpCode(204)
  @ApiOperation({ summary: 'Discovery of the capture resources, with their limits' })
  @ApiResponse({
    status: 204,
    description: 'the GS1 discovery and capture headers',
    headers: CAPTURE_HEADERS,
  })
  capture(@Res({ passthrough: true }) reply: FastifyReply): void {
    this.discovery(reply, 'OPTIONS, GET, POST');
    void reply.header('GS1-EPCIS-Capture-Limit', String(this.config.CAPTURE_MAX_EVENTS));
    void reply.header('GS1-EPCIS-Capture-File-Size-Limit', String(this.config.CAPTURE_MAX_BYTES));
    void reply.header('GS1-Capture-Error-Behaviour', 'rollback');
  }

  @Options(['queries', 'queries/:queryName/subscriptions'])
  @HttpCode(204)
  @ApiOperation({ summary: 'Discovery of a writable EPCIS resource' })
  @ApiResponse({ status: 204, description: 'the GS1 discovery headers', headers: DISCOVERY_HEADERS })
  writable(@Res({ passthrough: true }) reply: FastifyReply): void {
    this.discovery(reply, 'OPTIONS, GET, POST');
  }

  @Options(['queries/:queryName', 'queries/:queryName/subscriptions/:subscriptionId'])
  @HttpCode(204)
  @ApiOperation({ summary: 'Discovery of a removable EPCIS resource' })
  @ApiResponse({ status: 204, description: 'the GS1 discovery headers', headers: DISCOVERY_HEADERS })
  removable(@Res({ passthrough: true }) reply: FastifyReply): void {
    this.discovery(reply, 'OPTIONS, GET, DELETE');
  }

  private discovery(reply: FastifyReply, allow: string): void {
    void reply.header('Allow', allow);
    for (const [name, value] of Object.entries(VERSION_HEADERS)) void reply.header(name, value);
  }
}
