import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookUrl, UrlRefused, type CheckedTarget, type UrlGuardOptions } from './url-guard';

/** SPEC §6a: no more of a receiver's answer is kept than this. */
export const RESPONSE_BODY_LIMIT = 1024;

export interface SendOutcome {
  /** The receiver's HTTP status, or null when no answer came (refused, unreachable, timed out). */
  status: number | null;
  /** The start of the answer's body, at most {@link RESPONSE_BODY_LIMIT} bytes. */
  body: string | null;
  error: string | null;
}

export interface WebhookSenderOptions extends UrlGuardOptions {
  timeoutMs: number;
}

/**
 * One HTTP POST to a webhook endpoint. The URL is checked (and its host resolved) before every
 * attempt and the connection goes to the checked address; redirects are never followed (a 3xx
 * is an answer like any other non-2xx); the whole exchange has `timeoutMs`.
 */
export class WebhookSender {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
  };

  constructor(private readonly options: WebhookSenderOptions) {}

  async send(url: string, body: string, headers: Record<string, string>): Promise<SendOutcome> {
    let target: CheckedTarget;
    try {
      target = await checkWebhookUrl(url, this.options);
    } catch (error) {
      const reason = error instanceof UrlRefused ? error.reason : String(error);
      return { status: null, body: null, error: `the URL was refused: it ${reason}` };
    }
    return this.post(target, body, headers);
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private post(
    target: CheckedTarget,
    body: string,
    headers: Record<string, string>,
  ): Promise<SendOutcome> {
    const secure = target.url.protocol === 'https:';
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const request = (secure ? https : http).request(target.url, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        lookup: pinned,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Slotbook-Webhooks/1',
        },
      });
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      request.on('error', (error) => finish({ status: null, body: null, error: error.message }));
      request.on('response', (response) => {
        const kept: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < RESPONSE_BODY_LIMIT) kept.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - size));
          size += chunk.length;
        });
        const done = () =>
          finish({
            status: response.statusCode ?? null,
            body: Buffer.concat(kept).toString('utf8'),
            error: null,
          });
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      });
      request.end(body);
    });
  }
}
