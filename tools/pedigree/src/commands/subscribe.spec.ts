import { gs1Signature } from '@pedigree/contracts';
import { runSubscriber } from './subscribe';

describe('pedigree subscribe', () => {
  it('subscribes its receiver, prints deliveries that verify, refuses those that do not, unsubscribes', async () => {
    const out: string[] = [];
    const calls: Array<{ method: string; url: string; body?: Record<string, unknown> }> = [];
    // The serialization service, as far as the command talks to it.
    const service = (async (url: string, init: RequestInit) => {
      const body =
        init.body === undefined ? undefined : (JSON.parse(String(init.body)) as Record<string, unknown>);
      calls.push({ method: String(init.method), url, body });
      if (url.endsWith('/queries')) return new Response(null, { status: 201 });
      if (init.method === 'POST')
        return Response.json({ subscriptionID: 'sub-1', queryName: 'q' }, { status: 201 });
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const subscriber = await runSubscriber(
      'q',
      {
        api: 'http://svc',
        token: 'T',
        host: '127.0.0.1',
        port: '0',
        query: 'EQ_bizStep=shipping&EQ_bizStep=receiving',
        count: '1',
      },
      { stdout: (t) => out.push(t), stderr: () => undefined, readStdin: async () => '' },
      service,
    );
    expect(calls[0]).toEqual({
      method: 'POST',
      url: 'http://svc/queries',
      body: { name: 'q', query: { EQ_bizStep: ['shipping', 'receiving'] } },
    });
    const subscription = calls[1]!;
    expect(subscription.url).toBe('http://svc/queries/q/subscriptions');
    expect(subscription.body).toMatchObject({ dest: subscriber.dest, stream: true });
    const token = subscription.body!['signatureToken'] as string;

    const delivery = JSON.stringify({
      epcisBody: {
        queryResults: {
          subscriptionID: 'sub-1',
          resultsBody: {
            eventList: [{ eventID: 'urn:uuid:1', type: 'ObjectEvent', bizStep: 'shipping', epcList: ['e'] }],
          },
        },
      },
    });
    const forged = await fetch(subscriber.dest, {
      method: 'POST',
      headers: { 'gs1-signature': gs1Signature(delivery, 'not-the-token') },
      body: delivery,
    });
    expect(forged.status).toBe(401);
    const genuine = await fetch(subscriber.dest, {
      method: 'POST',
      headers: { 'gs1-signature': gs1Signature(delivery, token) },
      body: delivery,
    });
    expect(genuine.status).toBe(204);
    await subscriber.done;
    await subscriber.stop();
    expect(out.join('')).toBe(
      'FAILED signature check: a delivery of ' +
        Buffer.byteLength(delivery) +
        ' bytes was refused\nVERIFIED delivery: 1 event(s)\n' +
        '{"eventID":"urn:uuid:1","type":"ObjectEvent","bizStep":"shipping","epcs":["e"]}\n',
    );
    expect(calls[2]).toMatchObject({ method: 'DELETE', url: 'http://svc/queries/q/subscriptions/sub-1' });
  });
});
