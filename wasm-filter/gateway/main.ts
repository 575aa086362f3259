// Entry point of the dev gateway: `tsx wasm-filter/gateway/main.ts --config gateway.yaml`
// (what `palisade gateway --config FILE` runs). Prints one JSON line when listening; exits 1 with
// the reason when the configuration or the filter is refused (as Envoy refuses to start).
import { loadGatewayConfig } from './gateway-config.ts';
import { startGateway } from './gateway.ts';

export async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf('--config');
  const file = i >= 0 ? argv[i + 1] : undefined;
  if (!file) {
    process.stderr.write('usage: palisade gateway --config FILE (.json, .yaml or .yml)\n');
    return 2;
  }
  try {
    const config = loadGatewayConfig(file);
    const gateway = await startGateway(config);
    process.stdout.write(
      `${JSON.stringify({ msg: 'palisade dev gateway listening', host: config.listen.host, port: gateway.port, upstream: config.upstream, workers: config.filter.workers })}\n`,
    );
    const stop = () => void gateway.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return 0;
  } catch (e) {
    const err = e as Error & { code?: string };
    process.stderr.write(
      `${JSON.stringify({ msg: 'palisade dev gateway failed to start', code: err.code ?? 'config', error: err.message })}\n`,
    );
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
