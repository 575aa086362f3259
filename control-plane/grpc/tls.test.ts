// GatewayService over TLS and mutual TLS, configured the way operators do it (grpc.tls in the
// control-plane config, PEM files on disk), with certificates made by openssl for this run:
// - mTLS: a gateway with a certificate from the configured CA reports and is acked; no client
//   certificate, a certificate from another CA, or plaintext never reach the service;
// - mTLS does not replace tokens: the right certificate with an unknown token is UNAUTHENTICATED;
// - TLS alone: any client that trusts the server's CA connects; plaintext does not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startControlPlane, type ControlPlane } from '../app.ts';
import { EMPTY_DETECTION_ENGINE } from '../rules/compile-rule-set.ts';
import { gatewayClient, openReport } from './test-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-tls-'));
const file = (name: string) => join(dir, name);
const pem = (name: string) => readFileSync(file(name));

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, and certificates signed by it (EC P-256 keys: fast to make). */
function makeCa(name: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
  );
}
function makeCert(name: string, ca: string, ext: string): void {
  writeFileSync(file(`${name}.ext`), ext);
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
}

makeCa('ca');
makeCa('rogue-ca');
makeCert('server', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
makeCert('gateway', 'ca', 'extendedKeyUsage=clientAuth\n');
makeCert('rogue', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');

after(() => rmSync(dir, { recursive: true, force: true }));

const batch = (sequence: number) => ({
  gatewayId: 'gw-tls',
  bootId: 'boot-1',
  sequence,
  sentAtMs: Date.now(),
  events: [
    { id: sequence, timestampMs: Date.now(), host: 'api.example.com', method: 'GET', path: '/v1/ping', status: 200, latencyUs: 100 },
  ],
});

async function start(tls: Record<string, unknown>): Promise<{ cp: ControlPlane; token: string }> {
  const cp = await startControlPlane(
    {
      dataDir: join(dir, `data-${Math.random().toString(36).slice(2)}`),
      grpc: { host: '127.0.0.1', port: 0, tls },
      http: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
    },
    { detectionEngine: EMPTY_DETECTION_ENGINE },
  );
  return { cp, token: await cp.createToken('gw-tls', 'gateway', 'gw-tls') };
}

/** Sends one batch; resolves with its ack status, or the gRPC status code the call failed with. */
async function reportOnce(
  cp: ControlPlane,
  credentials: grpc.ChannelCredentials,
  token: string,
  sequence: number,
): Promise<string | number> {
  const client = gatewayClient(cp.grpcPort, credentials, { 'grpc.initial_reconnect_backoff_ms': 50 });
  try {
    const session = openReport(client, token);
    session.stream.write(batch(sequence));
    const outcome = await Promise.race([
      session.waitForAcks(1).then((acks) => acks[0]!.status as string),
      session.closed.then((err) => err?.code ?? -1),
    ]);
    session.stream.end();
    return outcome;
  } catch (err) {
    return (err as grpc.ServiceError).code;
  } finally {
    client.close();
  }
}

const trusted = () => grpc.credentials.createSsl(pem('ca.crt'), pem('gateway.key'), pem('gateway.crt'));

describe('mutual TLS (requireClientCert)', () => {
  let cp: ControlPlane;
  let token: string;
  before(async () => {
    ({ cp, token } = await start({
      certFile: file('server.crt'),
      keyFile: file('server.key'),
      caFile: file('ca.crt'),
      requireClientCert: true,
    }));
  });
  after(() => cp?.close());

  it('a gateway with a certificate from the configured CA and its token is acked', async () => {
    assert.equal(await reportOnce(cp, trusted(), token, 1), 'ACK_STATUS_OK');
    assert.equal(await cp.store.events.count({ gatewayId: 'gw-tls' }), 1);
  });

  it('no client certificate, one from another CA, or plaintext never reach the service', async () => {
    assert.equal(await reportOnce(cp, grpc.credentials.createSsl(pem('ca.crt')), token, 2), grpc.status.UNAVAILABLE);
    assert.equal(
      await reportOnce(cp, grpc.credentials.createSsl(pem('ca.crt'), pem('rogue.key'), pem('rogue.crt')), token, 3),
      grpc.status.UNAVAILABLE,
    );
    assert.equal(await reportOnce(cp, grpc.credentials.createInsecure(), token, 4), grpc.status.UNAVAILABLE);
    assert.equal(await cp.store.events.count({ gatewayId: 'gw-tls' }), 1, 'nothing else was stored');
  });

  it('a valid certificate does not replace the token', async () => {
    assert.equal(await reportOnce(cp, trusted(), 'not-a-token', 5), grpc.status.UNAUTHENTICATED);
  });

  it('a client that does not trust the server certificate refuses it', async () => {
    const rogueTrust = grpc.credentials.createSsl(pem('rogue-ca.crt'), pem('gateway.key'), pem('gateway.crt'));
    assert.equal(await reportOnce(cp, rogueTrust, token, 6), grpc.status.UNAVAILABLE);
  });
});

describe('TLS without client certificates', () => {
  let cp: ControlPlane;
  let token: string;
  before(async () => {
    ({ cp, token } = await start({ certFile: file('server.crt'), keyFile: file('server.key') }));
  });
  after(() => cp?.close());

  it('a client trusting the CA connects without a certificate; plaintext does not', async () => {
    assert.equal(await reportOnce(cp, grpc.credentials.createSsl(pem('ca.crt')), token, 1), 'ACK_STATUS_OK');
    assert.equal(await reportOnce(cp, grpc.credentials.createInsecure(), token, 2), grpc.status.UNAVAILABLE);
  });
});

describe('TLS configuration errors', () => {
  it('a missing key file refuses to start, naming the field', async () => {
    await assert.rejects(start({ certFile: file('server.crt'), keyFile: file('missing.key') }), /grpc\.tls\.keyFile|missing\.key/);
  });
});
