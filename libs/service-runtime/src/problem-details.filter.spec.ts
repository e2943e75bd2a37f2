import { Logger, type ArgumentsHost } from '@nestjs/common';
import { ProblemDetailsFilter, ProblemException } from './problem-details.filter';

/** The request and reply the filter sees, as far as it uses them. */
function httpHost(method: string, url: string) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ method, url }), getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('ProblemDetailsFilter', () => {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  beforeEach(() => jest.clearAllMocks());
  afterAll(() => jest.restoreAllMocks());

  it('logs a 5xx answer the service chose as one warning line, and answers it as problem+json', () => {
    const { host, sent } = httpHost('GET', '/health/ready');
    new ProblemDetailsFilter().catch(
      new ProblemException({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'not ready: kafka is down',
      }),
      host,
    );
    expect(warn.mock.calls).toEqual([['GET /health/ready: 503 not ready: kafka is down']]);
    expect(error).not.toHaveBeenCalled();
    expect(sent).toEqual({
      status: 503,
      headers: { 'content-type': 'application/problem+json' },
      body: {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'not ready: kafka is down',
        instance: '/health/ready',
      },
    });
  });

  it('logs an unexpected exception as an error with the exception, and answers 500 without its details', () => {
    const { host, sent } = httpHost('POST', '/capture');
    const fault = new TypeError('cannot read properties of undefined');
    new ProblemDetailsFilter().catch(fault, host);
    expect(error.mock.calls).toEqual([[fault]]);
    expect(warn).not.toHaveBeenCalled();
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toContain('cannot read');
  });

  it('does not log client errors', () => {
    const { host, sent } = httpHost('GET', '/events');
    new ProblemDetailsFilter().catch(
      new ProblemException({ type: 'about:blank', title: 'Bad Request', status: 400 }),
      host,
    );
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(sent.status).toBe(400);
  });
});
