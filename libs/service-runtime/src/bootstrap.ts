import { randomUUID } from 'node:crypto';
import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, SwaggerModule, type ContentObject, type OpenAPIObject } from '@nestjs/swagger';
import type { z } from 'zod';
import { ConfigError, loadConfig, type ServiceConfig } from '@pedigree/config';
import { SchemaBehindError } from '@pedigree/database';
import type { Logger } from '@pedigree/observability';
import { NestPinoLogger } from './nest-logger';
import { withRequestContents } from './openapi-bodies';
import { ProblemDetailsFilter, type ProblemRefiner } from './problem-details.filter';
import { logRequests } from './request-log';
import { problemClientErrorHandler, problemFrameworkErrors, screenRequests } from './request-screening';
import { RouteTable } from './route-table';
import { LOGGER } from './tokens';
import { WarmUp } from './warm-up';

export interface OpenApiInfo {
  title: string;
  description: string;
  version: string;
}

/** Exit code of a service that cannot run as set up: a bad setting, a database schema behind the build (EX_CONFIG). */
export const EXIT_CONFIG = 78;

/** Validates the environment; on a bad setting prints what is wrong and stops the process (exit code 78, EX_CONFIG). */
export function loadServiceConfigOrExit<S extends z.ZodObject>(schema: S): z.infer<S> {
  try {
    return loadConfig(schema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

export function openApiDocument(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(info.version)
    .addBearerAuth()
    .build();
  return withRuntimeProblems(withRequestContents(SwaggerModule.createDocument(app, config)));
}

type OpenApiSchema = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

/** RFC 9457 problem details, as every error answer of the services carries them (extension members allowed). */
export const PROBLEM_SCHEMA: OpenApiSchema = {
  type: 'object',
  required: ['title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
  },
  additionalProperties: true,
};

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** The `content` of a problem+json answer (RFC 9457), for an answer that can carry it beside another body. */
export function problemContent(): ContentObject {
  return { 'application/problem+json': { schema: { ...PROBLEM_REF } } };
}

/** The answers the runtime itself gives any route, before or instead of its handler. */
const RUNTIME_PROBLEMS: Record<string, string> = {
  '400': 'malformed request: the URL (a NUL character, a bad %-escape), a parameter or the body',
  '414': 'a path segment is longer than the server accepts',
};
const BODY_PROBLEMS: Record<string, string> = {
  '413': 'the body is larger than the server accepts',
  '415': 'the body is not of a media type the operation accepts',
};
const AUTH_PROBLEMS: Record<string, string> = {
  '401': 'no, or no valid, bearer token',
  '403': 'the token’s roles or party may not do this',
};

/**
 * Completes every operation of an OpenAPI document with the problem+json answers the runtime gives any route (400,
 * 414; 413 and 415 where there is a body; 401 and 403 where a bearer token is needed), and gives every error answer
 * declared without a body the problem+json body, so that a fuzzer can hold the services to the document.
 */
export function withRuntimeProblems(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, Problem: PROBLEM_SCHEMA };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method];
      if (!operation) continue;
      const secured = (operation.security ?? document.security ?? []).length > 0;
      const added = {
        ...RUNTIME_PROBLEMS,
        ...(operation.requestBody ? BODY_PROBLEMS : {}),
        ...(secured ? AUTH_PROBLEMS : {}),
      };
      for (const [status, description] of Object.entries(added)) {
        operation.responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]\d\d$/.test(status) || response === undefined || '$ref' in response) continue;
        response.content ??= problemContent();
      }
    }
  }
  return document;
}

export interface ServiceAppOptions {
  /** Lets a service give errors raised before its controllers run (e.g. a body over the size limit) its own problem types. */
  refineProblem?: ProblemRefiner;
  /**
   * URL path prefixes (e.g. `/verify/`) served without the per-request access log: high-rate routes that keep their
   * own record of every request.
   */
  unloggedPaths?: readonly string[];
  /**
   * Body limits in bytes of particular routes, by path as declared (e.g. `/capture`), in place of
   * HTTP_BODY_LIMIT_BYTES (larger or smaller).
   */
  routeBodyLimits?: Readonly<Record<string, number>>;
}

export async function createServiceApp(
  appModule: DynamicModule,
  config: ServiceConfig,
  options: ServiceAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    appModule,
    new FastifyAdapter({
      bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
      clientErrorHandler: problemClientErrorHandler,
      frameworkErrors: problemFrameworkErrors,
    }),
    // abortOnError false: a failure while the modules initialise is thrown to the caller (runService says what it was).
    { bufferLogs: true, bodyParser: false, abortOnError: false },
  );
  acceptRawText(app);
  // Routes are registered when the app initialises, after this hook is in place.
  const routes = new RouteTable();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    routes.add(route.method, route.url);
    const bodyLimit = options.routeBodyLimits?.[route.url];
    if (bodyLimit !== undefined) route.bodyLimit = bodyLimit;
  });
  screenRequests(fastify, routes);
  nameTraceSpans(fastify);
  // The request id (the caller's X-Request-Id, or a new UUID) goes back in the response and into the access log.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply) => {
      void reply.header('x-request-id', request.id);
    });
  const logger = app.get<Logger>(LOGGER);
  logRequests(app.getHttpAdapter().getInstance(), logger, options.unloggedPaths ?? []);
  app.useLogger(new NestPinoLogger(logger));
  app.useGlobalFilters(new ProblemDetailsFilter(options.refineProblem));
  app.enableShutdownHooks();
  return app;
}

/**
 * Names the HTTP server span of each request by its route (`POST /capture`, not just `POST`) and records the route,
 * so traces group by operation (OpenTelemetry's HTTP instrumentation does not know Fastify's routes).
 */
function nameTraceSpans(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    const span = trace.getSpan(context.active());
    if (!span || route === undefined) return;
    span.updateName(`${request.method} ${route}`);
    span.setAttribute('http.route', route);
  });
}

/**
 * Request bodies of any media type reach controllers as the raw text, so that each endpoint parses what it accepts
 * itself and reports malformed input or an unsupported media type in its own vocabulary (e.g. EPCIS exceptions).
 */
function acceptRawText(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

/**
 * Creates the service, serves its OpenAPI document at /docs, listens, and starts the warm-up (see WarmUp). A service whose database schema is behind
 * the build stops with the message saying which migration to run (exit code 78); any other failure to start stops it
 * with the error (exit code 1).
 */
export async function runService(
  appModule: DynamicModule,
  config: ServiceConfig,
  info: OpenApiInfo,
  options: ServiceAppOptions = {},
) {
  let app: NestFastifyApplication;
  try {
    app = await createServiceApp(appModule, config, options);
  } catch (error) {
    if (error instanceof SchemaBehindError) {
      process.stderr.write(`${config.SERVICE_NAME} refuses to start: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    process.stderr.write(
      `${config.SERVICE_NAME} could not start: ${(error as Error).stack ?? String(error)}\n`,
    );
    process.exit(1);
  }
  SwaggerModule.setup('docs', app, openApiDocument(app, info), { jsonDocumentUrl: 'docs/openapi.json' });
  await app.listen(config.PORT, config.HOST);
  app
    .get<Logger>(LOGGER)
    .info(`${config.SERVICE_NAME} listening on http://${config.HOST}:${config.PORT} (OpenAPI at /docs)`);
  // Not awaited: /health/ready answers (503, naming the warm-up) while it runs.
  void app.get(WarmUp).run(app.getHttpAdapter().getInstance());
  return app;
}
