import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * POSTs webhook deliveries over kept-alive connections, the body written as given (no copy) with its length; the
 * answer's body is read and dropped, redirects are not followed. Lighter than fetch for many large bodies a second.
 */
export class WebhookClient {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https = new HttpsAgent({ keepAlive: true });

  /** The receiver's status; rejects when it did not answer within `timeoutMs` or could not be reached. */
  post(url: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<number> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: 'POST',
          agent: secure ? this.https : this.http,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (response: IncomingMessage) => {
          response.resume();
          response.once('end', () => {
            clearTimeout(timer);
            resolve(response.statusCode ?? 0);
          });
          response.once('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
        },
      );
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      request.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
