import { randomUUID } from 'node:crypto';
import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { z } from 'zod';
import { ConfigError, loadConfig, type ServiceConfig } from '@pedigree/config';
import { SchemaBehindError } from '@pedigree/database';
import type { Logger } from '@pedigree/observability';
import { NestPinoLogger } from './nest-logger';
import { ProblemDetailsFilter, type ProblemRefiner } from './problem-details.filter';
import { logRequests } from './request-log';
import { problemClientErrorHandler, problemFrameworkErrors, screenRequests } from './request-screening';
import { RouteTable } from './route-table';
import { LOGGER } from './tokens';

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
  return SwaggerModule.createDocument(app, config);
}

export interface ServiceAppOptions {
  /** Lets a service give errors raised before its controllers run (e.g. a body over the size limit) its own problem types. */
  refineProblem?: ProblemRefiner;
  /**
   * URL path prefixes (e.g. `/verify/`) served without the per-request access log: high-rate routes that keep their
   * own record of every request.
   */
  unloggedPaths?: readonly string[];
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
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  screenRequests(fastify, routes);
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
 * Request bodies of any media type reach controllers as the raw text, so that each endpoint parses what it accepts
 * itself and reports malformed input or an unsupported media type in its own vocabulary (e.g. EPCIS exceptions).
 */
function acceptRawText(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

/**
 * Creates the service, serves its OpenAPI document at /docs, and listens. A service whose database schema is behind
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
  return app;
}
