import net from 'node:net';

/**
 * A TCP proxy between clients and a server, for the network faults a real deployment meets:
 * `blackhole()` makes every connection open now half-open (bytes are swallowed both ways, no FIN,
 * no RST — a dead NAT entry, a pulled cable) while new connections still work; `cut()` resets them
 * all (RST); `pause()`/`resume()` refuse and accept new connections.
 */
export class TcpProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<{ readonly client: net.Socket; readonly upstream: net.Socket; dead: boolean }>();
  #accepting = true;
  #port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.#server = net.createServer((client) => this.#connect(client));
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `targetHost:targetPort`. */
  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.#port = (proxy.#server.address() as net.AddressInfo).port;
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** Connections forwarding now. */
  get open(): number {
    return [...this.#pairs].filter((p) => !p.dead).length;
  }

  /** Every connection open now stops forwarding, without closing: the peers see silence. */
  blackhole(): void {
    for (const pair of this.#pairs) pair.dead = true;
  }

  /** Resets every connection open now. */
  cut(): void {
    for (const pair of this.#pairs) {
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    }
    this.#pairs.clear();
  }

  /** New connections are refused (reset at once) until {@link resume}. */
  pause(): void {
    this.#accepting = false;
  }

  resume(): void {
    this.#accepting = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #connect(client: net.Socket): void {
    if (!this.#accepting) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = { client, upstream, dead: false };
    this.#pairs.add(pair);
    client.on('data', (data) => void (pair.dead || upstream.write(data)));
    upstream.on('data', (data) => void (pair.dead || client.write(data)));
    const drop = (): void => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  }
}
