import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode =
  /** Bytes flow both ways. */
  | 'pass'
  /** New connections are closed at once (a server that is down). */
  | 'refuse'
  /** Connections stay open but no byte goes through either way (a frozen server, a dead network path). */
  | 'stall';

/**
 * A TCP proxy between the service and a server (PostgreSQL), for fault tests: it can cut every connection,
 * refuse new ones, or stall them. `ports()` are the local ports of its connections to the server, as the server
 * sees its clients (pg_stat_activity.client_port).
 */
export class TcpProxy {
  private mode: ProxyMode = 'pass';
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; held: Buffer[][] }>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const ready: { proxy?: TcpProxy } = {};
    const server = createServer((client) => ready.proxy?.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ready.proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return ready.proxy;
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = connect(port, host);
    const pair = { client, upstream, held: [[], []] as Buffer[][] };
    this.pairs.add(pair);
    const forward = (from: Socket, to: Socket, held: Buffer[]) =>
      from.on('data', (chunk: Buffer) => {
        if (this.mode === 'stall') held.push(chunk);
        else to.write(chunk);
      });
    forward(client, upstream, pair.held[0]);
    forward(upstream, client, pair.held[1]);
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  set(mode: ProxyMode): void {
    const wasStalled = this.mode === 'stall';
    this.mode = mode;
    if (wasStalled && mode !== 'stall') {
      // What was held back goes through now, in order.
      for (const pair of this.pairs) {
        for (const chunk of pair.held[0].splice(0)) pair.upstream.write(chunk);
        for (const chunk of pair.held[1].splice(0)) pair.client.write(chunk);
      }
    }
  }

  /** Cuts every open connection (a restart of the server, a reset). */
  cut(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  /** The local ports of the connections to the server. */
  ports(): number[] {
    return [...this.pairs].map((p) => p.upstream.localPort).filter((p): p is number => p !== undefined);
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
