import { connect } from 'node:net';

export interface RawAnswer {
  /** The status line's code, or undefined when the server closed without answering. */
  status?: number;
  body: string;
  /** From the first byte sent to the server closing the connection. */
  closedAfterMs: number;
}

/**
 * Sends `head` (the request line and headers, or part of them) over a raw TCP connection, then `trickle`
 * one byte per `everyMs`, as a slow client would, and resolves when the server closes the connection, with
 * whatever it answered. Stops trickling once the server answered or closed.
 */
export function rawRequest(url: string, head: string, trickle = '', everyMs = 1000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset while we are still writing: its answer (if any) is what counts.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      clearInterval(timer);
    });
    socket.on('close', () => {
      clearInterval(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      const body = received.includes('\r\n\r\n') ? received.slice(received.indexOf('\r\n\r\n') + 4) : '';
      resolve({ status: status ? Number(status) : undefined, body, closedAfterMs: Date.now() - started });
    });
    socket.write(head);
    let next = 0;
    if (trickle.length > 0) {
      timer = setInterval(() => {
        if (next >= trickle.length || socket.destroyed) return clearInterval(timer);
        socket.write(trickle[next++]);
      }, everyMs);
    }
  });
}
