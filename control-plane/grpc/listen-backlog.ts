// The gRPC listener with a listen backlog of our choosing. grpc-js's bindAsync listens with Node's
// default backlog (511), so when thousands of gateways reconnect at once (a control-plane restart)
// the accept queue overflows while the event loop is busy: the kernel drops their handshakes and
// they wait for SYN retransmits or fail UNAVAILABLE. Here a plain net.Server listens (backlog
// capped by the kernel's net.core.somaxconn) and hands each socket to grpc-js through its public
// connection injector, which serves it like a bound port (same options, handlers, TLS, shutdown).
import * as grpc from '@grpc/grpc-js';
import { lookup } from 'node:dns/promises';
import { createServer, isIP, type Server as NetServer, type Socket } from 'node:net';

/** Pending connections the kernel may queue before the process accepts them. */
export const GRPC_LISTEN_BACKLOG = 8192;

export interface GrpcListener {
  port: number;
  /** Stops accepting connections (open sessions are closed by the grpc-js server's shutdown). */
  close(): void;
}

/** `host:port` or `[v6]:port` → its parts. */
export function parseListenAddress(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]*):(\d+)$/.exec(address);
  if (!m || Number(m[2]) > 65535) throw new Error(`gRPC listen address must be host:port or [v6]:port, got ${JSON.stringify(address)}`);
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}

/** Every address a host name resolves to, as grpc-js's bindAsync would listen on (an IP literal is itself). */
export async function resolveListenHost(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  const found = await lookup(host, { all: true });
  return [...new Set(found.map((a) => a.address))];
}

/**
 * Listens on every address `address`'s host resolves to (`localhost` → 127.0.0.1 and ::1 where both
 * exist), on one port: the first listener picks it when the port is 0. Like grpc-js, it succeeds if at
 * least one address could be bound and fails with the first error otherwise.
 */
export async function listenGrpc(
  server: grpc.Server,
  address: string,
  credentials: grpc.ServerCredentials,
  backlog = GRPC_LISTEN_BACKLOG,
  resolveHost: (host: string) => Promise<string[]> = resolveListenHost,
): Promise<GrpcListener> {
  const { host, port } = parseListenAddress(address);
  const addresses = await resolveHost(host);
  if (addresses.length === 0) throw new Error(`gRPC listen address ${address}: ${host} resolves to no address`);
  const injector = server.createConnectionInjector(credentials);
  const listeners: NetServer[] = [];
  let boundPort = port;
  let firstError: Error | undefined;
  for (const a of addresses) {
    try {
      listeners.push(await listenOne(a, boundPort, backlog, (socket) => injector.injectConnection(socket)));
      boundPort = (listeners[0]!.address() as { port: number }).port;
    } catch (e) {
      firstError ??= e as Error;
    }
  }
  if (listeners.length === 0) throw firstError!;
  return {
    port: boundPort,
    close: () => {
      for (const l of listeners) l.close();
    },
  };
}

function listenOne(host: string, port: number, backlog: number, onSocket: (socket: Socket) => void): Promise<NetServer> {
  const listener: NetServer = createServer({ noDelay: true }, onSocket);
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ host, port, backlog }, () => {
      listener.off('error', reject);
      resolve(listener);
    });
  });
}
