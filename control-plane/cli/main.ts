// `palisade` command line: run the control plane and manage tokens. Configuration comes from
// --config FILE (JSON/YAML), PALISADE_* environment variables and flags, in that order of
// precedence (flags win), validated once (docs/api.md "Configuration").
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, type ControlPlaneConfig, type ControlPlaneConfigInput } from '../config/load-config.ts';
import { openStore } from '../store/database.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { TokenStore } from '../auth/token-store.ts';
import { USER_ROLES, type Role } from '../auth/roles.ts';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process should stop (SIGINT/SIGTERM); tests resolve it themselves. */
  stopSignal?: Promise<void>;
}

export const USAGE = `Usage:
  palisade control-plane [--data-dir DIR | --postgres URL [--postgres-schema NAME]] [--config FILE]
                         [--grpc-port N] [--http-port N] [--host ADDR]
  palisade token create --name NAME --role viewer|operator|admin   [store options]
  palisade token create --gateway ID [--name NAME]                  [store options]
  palisade token revoke ID                                          [store options]
  palisade gateway --config FILE        the dev gateway (palisade.wasm in the Proxy-Wasm host)
  palisade scan [FILE|-] [--rules FILE] [--wasm FILE]
                                        find sensitive data in exchanges (JSON Lines) with palisade.wasm
  palisade discover CAPTURE --out FILE [--merge] [--spec FILE --findings FILE]
                                        OpenAPI and conformance from a HAR or JSON Lines capture
  palisade help

Store options: --data-dir DIR | --postgres URL [--postgres-schema NAME] | --config FILE, or the
PALISADE_DATA_DIR / PALISADE_POSTGRES_URL environment variables.`;

const STORE_FLAGS = {
  'data-dir': { type: 'string' },
  postgres: { type: 'string' },
  'postgres-schema': { type: 'string' },
  config: { type: 'string' },
} as const;

class UsageError extends Error {}

function overridesFrom(values: Record<string, string | boolean | undefined>): ControlPlaneConfigInput {
  const o: ControlPlaneConfigInput = {};
  if (values['data-dir']) o.dataDir = values['data-dir'];
  if (values.postgres) o.postgres = { url: values.postgres, ...(values['postgres-schema'] ? { schema: values['postgres-schema'] } : {}) };
  const port = (name: string) => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`--${name} must be a port number`);
    return Number(v);
  };
  const grpcPort = port('grpc-port');
  const httpPort = port('http-port');
  const host = values.host as string | undefined;
  if (grpcPort !== undefined || host) o.grpc = { ...(grpcPort !== undefined ? { port: grpcPort } : {}), ...(host ? { host } : {}) };
  if (httpPort !== undefined || host) o.http = { ...(httpPort !== undefined ? { port: httpPort } : {}), ...(host ? { host } : {}) };
  return o;
}

function configFrom(values: Record<string, string | boolean | undefined>, io: CliIo): ControlPlaneConfig {
  return loadConfig({ ...(values.config ? { file: values.config as string } : {}), env: io.env, overrides: overridesFrom(values) });
}

async function runControlPlane(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...STORE_FLAGS, 'grpc-port': { type: 'string' }, 'http-port': { type: 'string' }, host: { type: 'string' } },
    strict: true,
  });
  const config = configFrom(values, io);
  const { startControlPlane } = await import('../app.ts');
  const cp = await startControlPlane(config);
  io.err(
    `palisade control plane: gRPC on ${config.grpc.host}:${cp.grpcPort}, HTTP on ${config.http.host}:${cp.httpPort} (${config.store.kind})`,
  );
  await (io.stopSignal ?? new Promise<void>(() => undefined));
  await cp.close();
  return 0;
}

async function withTokens<T>(
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  fn: (tokens: TokenStore) => Promise<T>,
): Promise<T> {
  const config = configFrom(values, io);
  const s = config.store;
  const store = await openStore(
    s.kind === 'sqlite'
      ? { kind: 'sqlite', dataDir: s.dataDir, synchronous: s.synchronous }
      : { kind: 'postgres', url: s.url, schema: s.schema, poolSize: 2 },
  );
  try {
    return await fn(new TokenStore(store.sql, new AuditLog(store.sql), 0));
  } finally {
    await store.close();
  }
}

const CLI_ACTOR = { name: 'cli', role: 'admin' };

async function runToken(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: { ...STORE_FLAGS, name: { type: 'string' }, role: { type: 'string' }, gateway: { type: 'string' } },
      strict: true,
    });
    let role: Role;
    if (values.gateway) {
      if (values.role && values.role !== 'gateway') throw new UsageError('--gateway creates a gateway token; leave --role out');
      role = 'gateway';
    } else {
      if (!values.role || !(USER_ROLES as readonly string[]).includes(values.role))
        throw new UsageError('--role must be viewer, operator or admin');
      role = values.role as Role;
    }
    const name = values.name ?? values.gateway;
    if (!name) throw new UsageError('--name is required');
    const { token, record } = await withTokens(values, io, (t) =>
      t.create(CLI_ACTOR, { name, role, ...(values.gateway ? { gatewayId: values.gateway } : {}) }),
    );
    // The token on stdout alone (scripts capture it); what it is on stderr.
    io.out(token);
    io.err(
      `created ${record.role} token ${record.id} "${record.name}"${record.gatewayId ? ` for gateway ${record.gatewayId}` : ''}; it is shown only once`,
    );
    return 0;
  }
  if (sub === 'revoke') {
    const { values, positionals } = parseArgs({ args: rest, options: STORE_FLAGS, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('token revoke takes one token id');
    const r = await withTokens(values, io, (t) => t.revoke(CLI_ACTOR, positionals[0]!));
    io.err(`revoked token ${r.id} "${r.name}"`);
    return 0;
  }
  throw new UsageError(`unknown token command ${sub ?? '(none)'}`);
}

/** The dev gateway until the stop signal; a refused config or filter exits 1 (as Envoy refuses to start). */
async function runGateway(rest: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } }, strict: true });
  if (!values.config) throw new UsageError('gateway needs --config FILE (.json, .yaml or .yml)');
  const { loadGatewayConfig } = await import('../../wasm-filter/gateway/gateway-config.ts');
  const { startGateway } = await import('../../wasm-filter/gateway/gateway.ts');
  let gateway;
  try {
    const config = loadGatewayConfig(values.config);
    gateway = await startGateway(config);
    io.out(
      JSON.stringify({
        msg: 'palisade dev gateway listening',
        host: config.listen.host,
        port: gateway.port,
        workers: config.filter.workers,
      }),
    );
  } catch (e) {
    const err = e as Error & { code?: string };
    io.err(JSON.stringify({ msg: 'palisade dev gateway failed to start', code: err.code ?? 'config', error: err.message }));
    return 1;
  }
  await (io.stopSignal ?? new Promise<void>(() => undefined));
  await gateway.close();
  return 0;
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'control-plane':
        return await runControlPlane(rest, io);
      case 'token':
        return await runToken(rest, io);
      case 'gateway':
        return await runGateway(rest, io);
      case 'scan': {
        const { runScanCli } = await import('../../wasm-filter/tools/scan-cli.ts');
        return await runScanCli(rest, process.stdin, process.stdout, process.stderr);
      }
      case 'discover': {
        const { runDiscoverCli } = await import('../posture/discover-cli.ts');
        return await runDiscoverCli(rest, process.stdout, process.stderr);
      }
      case 'help':
      case '--help':
      case '-h':
      case undefined:
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return 2;
    }
    const code = (e as { code?: string }).code;
    if (e instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`palisade: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if ((e as { definition?: { code: string } }).definition) {
      io.err(`palisade: ${(e as Error).message}`);
      return 1;
    }
    io.err(`palisade: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
