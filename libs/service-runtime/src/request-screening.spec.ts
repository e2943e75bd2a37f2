import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { problemClientErrorHandler, problemFrameworkErrors, screenRequests } from './request-screening';
import { RouteTable } from './route-table';

interface Answer {
  status: number;
  contentType: string | undefined;
  allow: string | undefined;
  body: Record<string, unknown>;
}

/** A raw HTTP request (fetch would refuse some of these URLs and methods itself). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          allow: res.headers.allow,
          body: JSON.parse(text) as Record<string, unknown>,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('requests refused before a controller runs answer problem+json', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = Fastify({ clientErrorHandler: problemClientErrorHandler, frameworkErrors: problemFrameworkErrors });
    const routes = new RouteTable();
    app.addHook('onRoute', (route) => routes.add(route.method, route.url));
    screenRequests(app, routes);
    app.get('/events', async () => ({ served: true }));
    app.get('/epcs/:epc/events', async (request) => ({ epc: (request.params as { epc: string }).epc }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it('serves what it serves', async () => {
    await expect(
      send(port, 'GET', '/epcs/urn%3Aepc%3Aid%3Asgtin%3A0614141.107346.2017/events'),
    ).resolves.toMatchObject({
      status: 200,
      body: { epc: 'urn:epc:id:sgtin:0614141.107346.2017' },
    });
  });

  it.each([
    ['/epcs/%00/events', 'path'],
    ['/events?EQ_bizStep=ship%00ping', 'query'],
  ])('refuses a NUL character in the %s (%s) with 400', async (url) => {
    const answer = await send(port, 'GET', url);
    expect(answer).toMatchObject({
      status: 400,
      contentType: expect.stringMatching(/^application\/problem\+json/),
      body: {
        status: 400,
        title: 'Bad Request',
        detail: 'the URL holds a NUL character (%00)',
        instance: url,
      },
    });
  });

  it('answers 405 with Allow for another method on a served path, QUERY and POST without a body too', async () => {
    for (const method of ['QUERY', 'POST', 'DELETE']) {
      const answer = await send(port, method, '/events');
      expect(answer).toMatchObject({
        status: 405,
        contentType: expect.stringMatching(/^application\/problem\+json/),
        allow: 'GET, HEAD',
        body: { status: 405, title: 'Method Not Allowed' },
      });
    }
  });

  it('answers 400 for a malformed %-escape and 414 for an over-long path segment', async () => {
    await expect(send(port, 'GET', '/epcs/%ZZ/events')).resolves.toMatchObject({
      status: 400,
      contentType: expect.stringMatching(/^application\/problem\+json/),
      body: { status: 400, detail: 'the URL holds a malformed %-escape' },
    });
    await expect(send(port, 'GET', `/epcs/${'a'.repeat(200)}/events`)).resolves.toMatchObject({
      status: 414,
      contentType: expect.stringMatching(/^application\/problem\+json/),
      body: { status: 414, title: 'URI Too Long' },
    });
  });

  it('answers 431 as problem+json when the request line and headers are too long', async () => {
    const headers = await send(port, 'GET', '/events', { 'x-big': 'a'.repeat(20_000) });
    const url = await send(port, 'GET', `/events?x=${'a'.repeat(20_000)}`);
    for (const answer of [headers, url]) {
      expect(answer).toMatchObject({
        status: 431,
        contentType: expect.stringMatching(/^application\/problem\+json/),
        body: { status: 431, title: 'Request Header Fields Too Large' },
      });
    }
  });
});
