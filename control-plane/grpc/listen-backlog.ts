// The gRPC listener with a listen backlog of our choosing. grpc-js's bindAsync listens with Node's
// default backlog (511), so when thousands of gateways reconnect at once (a control-plane restart)
// the accept queue overflows while the event loop is busy: the kernel drops their handshakes and
// they wait for SYN retransmits or fail UNAVAILABLE. Here a plain net.Server listens (backlog
// capped by the kernel's net.core.somaxconn) and hands each socket to grpc-js through its public
// connection injector, which serves it like a bound port (same options, handlers, TLS, shutdown).
import * as grpc from '@grpc/grpc-js';
import { createServer, type Server as NetServer } from 'node:net';

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

export async function listenGrpc(
  server: grpc.Server,
  address: string,
  credentials: grpc.ServerCredentials,
  backlog = GRPC_LISTEN_BACKLOG,
): Promise<GrpcListener> {
  const { host, port } = parseListenAddress(address);
  const injector = server.createConnectionInjector(credentials);
  const listener: NetServer = createServer({ noDelay: true }, (socket) => injector.injectConnection(socket));
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ host, port, backlog }, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  return {
    port: (listener.address() as { port: number }).port,
    close: () => listener.close(),
  };
}
