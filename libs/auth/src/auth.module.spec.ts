import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Body, Controller, Get, Module, Post, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT, generateKeyPair } from 'jose';
import { ProblemDetailsFilter, openApiDocument } from '@pedigree/service-runtime';
import { ownsCompanyPrefix } from './access-rules';
import { authProblem } from './auth-problems';
import { AuthModule } from './auth.module';
import { AuthProblems, CurrentPrincipal, Public, Roles } from './decorators';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  ensureDevIssuerKeys,
  signAccessToken,
  type DevIssuerKeys,
} from './dev-issuer';
import type { PedigreeClaims, Principal, Role } from './principal';

@Controller('things')
class ThingsController {
  @Get('open')
  @Public()
  open() {
    return { open: true };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Post('commission')
  @Roles('manufacturer')
  commission(@CurrentPrincipal() principal: Principal, @Body() body: { epc: string }) {
    if (!ownsCompanyPrefix(principal, body.epc))
      throw authProblem(403, `${body.epc} is not under your company prefixes`);
    return { commissioned: body.epc };
  }
}

@Public()
@Controller('status')
class OpenController {
  @Get()
  status() {
    return { status: 'ok' };
  }
}

@AuthProblems('epcis')
@Roles('regulator', 'admin')
@Controller('epcis')
class EpcisController {
  @Get('events')
  events() {
    return { type: 'EPCISQueryDocument' };
  }
}

@Module({})
class TestAppModule {}

const PARTY = '0614141000012';

describe('AuthModule in a Fastify app', () => {
  let directory: string;
  let keys: DevIssuerKeys;
  let app: NestFastifyApplication;

  const token = (
    roles: Role[],
    overrides: Partial<PedigreeClaims> = {},
    options: { issuer?: string; now?: Date } = {},
  ) =>
    signAccessToken({ sub: 'tester', party: PARTY, roles, gcp: ['0614141'], ...overrides }, keys.privateJwk, {
      issuer: options.issuer ?? DEV_ISSUER,
      audience: DEV_AUDIENCE,
      ttlSeconds: 600,
      ...(options.now ? { now: options.now } : {}),
    });

  const call = async (method: 'GET' | 'POST', url: string, bearer?: string, payload?: object) => {
    const response = await app.inject({
      method,
      url,
      headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
      ...(payload === undefined ? {} : { payload }),
    });
    return {
      status: response.statusCode,
      headers: response.headers,
      body: response.json() as Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'pedigree-auth-nest-'));
    keys = await ensureDevIssuerKeys(directory);
    // @nestjs/testing is not installed; a module of its own gives the same application.
    const appModule: DynamicModule = {
      module: TestAppModule,
      imports: [
        AuthModule.forRoot({
          AUTH_DEV_PUBLIC_JWK_FILE: keys.publicJwkFile,
          AUTH_ISSUER: DEV_ISSUER,
          AUTH_AUDIENCE: DEV_AUDIENCE,
          AUTH_CLOCK_TOLERANCE_SECONDS: 0,
        }),
      ],
      controllers: [ThingsController, OpenController, EpcisController],
    };
    app = await NestFactory.create<NestFastifyApplication>(appModule, new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers 401 problem+json with a Bearer challenge when there is no token', async () => {
    const { status, headers, body } = await call('GET', '/things/me');
    expect(status).toBe(401);
    expect(headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(headers['www-authenticate']).toBe('Bearer realm="pedigree"');
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'a bearer token is required (Authorization: Bearer <token>)',
      instance: '/things/me',
    });
  });

  it('answers 401 for another scheme, a malformed, an expired or a foreign token', async () => {
    const basic = await app.inject({
      method: 'GET',
      url: '/things/me',
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(basic.statusCode).toBe(401);
    const malformed = await call('GET', '/things/me', 'abc.def.ghi');
    expect(malformed).toMatchObject({ status: 401, body: { detail: 'the token is malformed' } });
    expect(malformed.headers['www-authenticate']).toBe(
      'Bearer realm="pedigree", error="invalid_token", error_description="the token is malformed"',
    );
    const expired = await token(['manufacturer'], {}, { now: new Date(Date.now() - 3600_000) });
    expect(await call('GET', '/things/me', expired)).toMatchObject({
      status: 401,
      body: { detail: 'the token has expired' },
    });
    const foreign = await token(['manufacturer'], {}, { issuer: 'https://someone-else.example.com/' });
    expect(await call('GET', '/things/me', foreign)).toMatchObject({
      status: 401,
      body: { detail: 'the token\'s "iss" claim is not accepted' },
    });
  });

  it('puts the verified principal on the request', async () => {
    const { status, body } = await call('GET', '/things/me', await token(['manufacturer', 'distributor']));
    expect(status).toBe(200);
    expect(body).toEqual({
      subject: 'tester',
      party: PARTY,
      roles: ['manufacturer', 'distributor'],
      gcps: ['0614141'],
    });
  });

  it('answers 403 problem+json for the wrong role', async () => {
    const { status, headers, body } = await call('POST', '/things/commission', await token(['distributor']), {
      epc: 'urn:epc:id:sgtin:0614141.812345.1',
    });
    expect(status).toBe(403);
    expect(headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'this needs the role manufacturer; the token has distributor',
      instance: '/things/commission',
    });
  });

  it('answers 403 for an identifier outside the company prefixes and 201 inside them', async () => {
    const manufacturer = await token(['manufacturer']);
    const foreign = await call('POST', '/things/commission', manufacturer, {
      epc: 'urn:epc:id:sgtin:4012345.012345.1',
    });
    expect(foreign).toMatchObject({
      status: 403,
      body: {
        type: 'about:blank',
        detail: 'urn:epc:id:sgtin:4012345.012345.1 is not under your company prefixes',
      },
    });
    const own = await call('POST', '/things/commission', manufacturer, {
      epc: 'urn:epc:id:sgtin:0614141.812345.1',
    });
    expect(own).toMatchObject({ status: 201, body: { commissioned: 'urn:epc:id:sgtin:0614141.812345.1' } });
  });

  it('lets anyone call @Public() routes and controllers, with or without a token', async () => {
    expect(await call('GET', '/things/open')).toEqual(
      expect.objectContaining({ status: 200, body: { open: true } }),
    );
    expect(await call('GET', '/things/open', 'garbage')).toEqual(expect.objectContaining({ status: 200 }));
    expect(await call('GET', '/status')).toEqual(
      expect.objectContaining({ status: 200, body: { status: 'ok' } }),
    );
  });

  it("answers EPCIS SecurityException problems on an @AuthProblems('epcis') controller", async () => {
    expect(await call('GET', '/epcis/events')).toMatchObject({
      status: 401,
      body: { type: 'epcisException:SecurityException', title: 'Unauthorised request', status: 401 },
    });
    expect(await call('GET', '/epcis/events', await token(['manufacturer']))).toMatchObject({
      status: 403,
      body: {
        type: 'epcisException:SecurityException',
        title: 'Access to resource forbidden',
        status: 403,
        detail: 'this needs the role regulator or admin; the token has manufacturer',
      },
    });
    expect(await call('GET', '/epcis/events', await token(['regulator'], { gcp: [] }))).toMatchObject({
      status: 200,
      body: { type: 'EPCISQueryDocument' },
    });
  });

  it('documents @Roles routes as needing the bearer token', () => {
    const document = openApiDocument(app, { title: 't', description: 'd', version: '1' });
    expect(document.components?.securitySchemes).toHaveProperty('bearer');
    expect(document.paths['/things/commission']?.post?.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/epcis/events']?.get?.security).toEqual([{ bearer: [] }]);
  });
});

describe('AuthModule when the identity provider keys cannot be fetched', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const appModule: DynamicModule = {
      module: TestAppModule,
      imports: [
        AuthModule.forRoot({
          AUTH_JWKS_URL: `http://127.0.0.1:${closedPort}/jwks.json`,
          AUTH_ISSUER: DEV_ISSUER,
          AUTH_AUDIENCE: DEV_AUDIENCE,
          AUTH_CLOCK_TOLERANCE_SECONDS: 0,
        }),
      ],
      controllers: [ThingsController],
    };
    app = await NestFactory.create<NestFastifyApplication>(appModule, new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 503, not 401: the caller is not at fault', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ party: PARTY, roles: ['manufacturer'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('tester')
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const response = await app.inject({
      method: 'GET',
      url: '/things/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 503,
      detail: expect.stringMatching(/^the keys of the identity provider are unavailable/),
    });
  });
});
