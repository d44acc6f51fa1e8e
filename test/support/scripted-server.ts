import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body text, so tests can check the exact JSON sent. */
  body: string;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  delayMs?: number;
}

/**
 * A local HTTP server that records every request and answers from a script (one answer per request,
 * the last one repeating). For client tests that must see the exact bytes sent.
 */
export class ScriptedServer {
  readonly requests: ReceivedRequest[] = [];
  private script: ScriptedAnswer[] = [{ status: 200, body: {} }];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ScriptedServer> {
    const holder: { self?: ScriptedServer } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const s = holder.self!;
        s.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const answer = s.script.length > 1 ? s.script.shift()! : s.script[0];
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.self = new ScriptedServer(server, `http://127.0.0.1:${port}`);
    return holder.self;
  }

  /** The answers for the next requests, in order; the last one keeps being given. */
  answer(...answers: ScriptedAnswer[]): void {
    this.script = answers;
    this.requests.length = 0;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
