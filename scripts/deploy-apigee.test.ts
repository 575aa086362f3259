// scripts/deploy-apigee against the Apigee management API as nock answers it, with the request and
// response shapes of the X and Edge APIs (notes/apigee.md §5): import, deploy (override), X's
// asynchronous deployment state, KVM token, flow hooks with continueOnError explicit, and errors
// (401, 404 environment, 409 conflict), dry run.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import nock from 'nock';
import { pathsFrom, bundleZip } from '../apigee-sharedflow/tools/bundle.ts';
import { unzip } from '../apigee-sharedflow/test/lib/unzip.ts';
import { DeployError, deploySharedFlow, main, parseArgs, type DeployOptions } from './deploy-apigee.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const X = 'https://apigee.googleapis.com';
const EDGE = 'https://api.enterprise.apigee.com';

function options(over: Partial<DeployOptions> = {}): DeployOptions {
  const o = parseArgs(['--org', 'acme', '--env', 'prod', '--control-plane-url', 'https://cp.acme.io', '--gateway-token-env', 'GW'], {
    APIGEE_TOKEN: 'ya29.token',
    GW: 'pal_gw_secret',
  });
  assert.notEqual(o, 'help');
  return { ...(o as DeployOptions), pollIntervalMs: 1, deployTimeoutMs: 2000, ...over };
}

const zipFor = (o: DeployOptions) => bundleZip(pathsFrom(ROOT), o.bundle).zip;
const revisionJson = (rev: string) => ({
  name: 'palisade',
  revision: rev,
  configurationVersion: { majorVersion: 4, minorVersion: 0 },
  createdAt: '1767225600000',
  lastModifiedAt: '1767225600000',
  policies: ['JS-InspectRequest', 'RF-Block'],
  resources: ['jsc://palisade-lib.js'],
  sharedFlows: ['default'],
  type: 'Application',
});
const googleError = (code: number, status: string, message: string) => ({ error: { code, message, status } });

describe('deploy-apigee', () => {
  before(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('Apigee X: imports, deploys with override, waits for READY, stores the token, attaches both hooks fail-open', async () => {
    const o = options();
    const zip = zipFor(o);
    let imported: Buffer | null = null;
    const api = nock(X, { reqheaders: { authorization: 'Bearer ya29.token' } })
      .post('/v1/organizations/acme/sharedflows')
      .query({ action: 'import', name: 'palisade' })
      .matchHeader('content-type', 'application/octet-stream')
      .reply(200, (_uri, body) => {
        imported = Buffer.from(body as string, 'hex');
        return revisionJson('4');
      })
      .post('/v1/organizations/acme/environments/prod/sharedflows/palisade/revisions/4/deployments')
      .query({ override: 'true' })
      .reply(200, { environment: 'prod', apiProxy: 'palisade', revision: '4', deployStartTime: '1767225600000' })
      .get('/v1/organizations/acme/environments/prod/sharedflows/palisade/revisions/4/deployments')
      .reply(200, { environment: 'prod', apiProxy: 'palisade', revision: '4', state: 'PROGRESSING' })
      .get('/v1/organizations/acme/environments/prod/sharedflows/palisade/revisions/4/deployments')
      .reply(200, { environment: 'prod', apiProxy: 'palisade', revision: '4', state: 'READY' })
      .post('/v1/organizations/acme/environments/prod/keyvaluemaps', { name: 'palisade', encrypted: true })
      .reply(409, googleError(409, 'ALREADY_EXISTS', 'KeyValueMap palisade already exists'))
      .post('/v1/organizations/acme/environments/prod/keyvaluemaps/palisade/entries', { name: 'gateway-token', value: 'pal_gw_secret' })
      .reply(409, googleError(409, 'ALREADY_EXISTS', 'entry exists'))
      .put('/v1/organizations/acme/environments/prod/keyvaluemaps/palisade/entries/gateway-token', {
        name: 'gateway-token',
        value: 'pal_gw_secret',
      })
      .reply(200, { name: 'gateway-token', value: 'pal_gw_secret' })
      .put(
        '/v1/organizations/acme/environments/prod/flowhooks/PreProxyFlowHook',
        (b: { sharedFlow: string; continueOnError: boolean }) => b.sharedFlow === 'palisade' && b.continueOnError === true,
      )
      .reply(200, { flowHookPoint: 'PreProxyFlowHook', sharedFlow: 'palisade', continueOnError: true })
      .put(
        '/v1/organizations/acme/environments/prod/flowhooks/PostProxyFlowHook',
        (b: { sharedFlow: string; continueOnError: boolean }) => b.sharedFlow === 'palisade' && b.continueOnError === true,
      )
      .reply(200, { flowHookPoint: 'PostProxyFlowHook', sharedFlow: 'palisade', continueOnError: true });
    const r = await deploySharedFlow(o, zip);
    assert.ok(api.isDone(), api.pendingMocks().join(', '));
    assert.equal(r.revision, '4');
    assert.deepEqual(r.hooks, [
      { point: 'PreProxyFlowHook', continueOnError: true },
      { point: 'PostProxyFlowHook', continueOnError: true },
    ]);
    assert.ok(imported);
    const files = unzip(imported);
    assert.match(
      files.get('sharedflowbundle/policies/SC-FetchRules.xml')?.toString() ?? '',
      /<URL>https:\/\/cp\.acme\.io\/v1\/rules<\/URL>/,
    );
    assert.match(files.get('sharedflowbundle/policies/JS-InspectRequest.xml')?.toString() ?? '', /"gatewayId">apigee-prod</);
  });

  it('fail-closed sets continueOnError=false on every hook, explicitly', async () => {
    const o = options({ failureMode: 'closed', gatewayToken: null, hooks: ['PreProxyFlowHook'] });
    const api = nock(X)
      .post('/v1/organizations/acme/sharedflows')
      .query(true)
      .reply(200, revisionJson('5'))
      .post(/\/revisions\/5\/deployments/)
      .query({ override: 'true' })
      .reply(200, {})
      .get(/\/revisions\/5\/deployments/)
      .reply(200, { state: 'READY' })
      .put('/v1/organizations/acme/environments/prod/flowhooks/PreProxyFlowHook', {
        sharedFlow: 'palisade',
        continueOnError: false,
        description: 'Palisade inspection (fail-closed)',
      })
      .reply(200, { flowHookPoint: 'PreProxyFlowHook', sharedFlow: 'palisade', continueOnError: false });
    const r = await deploySharedFlow(o, zipFor(o));
    assert.ok(api.isDone());
    assert.deepEqual(r.hooks, [{ point: 'PreProxyFlowHook', continueOnError: false }]);
  });

  it('401 on import stops with advice and sends nothing else', async () => {
    const o = options();
    const api = nock(X)
      .post('/v1/organizations/acme/sharedflows')
      .query(true)
      .reply(401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    await assert.rejects(deploySharedFlow(o, zipFor(o)), (e: DeployError) => {
      assert.equal(e.status, 401);
      assert.match(
        e.message,
        /refused the credentials \(401\): Request had invalid authentication credentials\..*gcloud auth print-access-token/,
      );
      return true;
    });
    assert.ok(api.isDone());
  });

  it('404 on deploy names the environment', async () => {
    const o = options({ env: 'nope' });
    nock(X)
      .post('/v1/organizations/acme/sharedflows')
      .query(true)
      .reply(200, revisionJson('2'))
      .post('/v1/organizations/acme/environments/nope/sharedflows/palisade/revisions/2/deployments')
      .query(true)
      .reply(404, googleError(404, 'NOT_FOUND', 'generic::not_found: environment "acme-nope" not found'));
    await assert.rejects(deploySharedFlow(o, zipFor(o)), /environment "nope" or organization "acme" not found \(404\)/);
  });

  it('409 on a flow hook held by another shared flow: stops, or with --replace-hooks detaches and attaches', async () => {
    const o = options({ gatewayToken: null, hooks: ['PreProxyFlowHook'] });
    const base = () =>
      nock(X)
        .post('/v1/organizations/acme/sharedflows')
        .query(true)
        .reply(200, revisionJson('6'))
        .post(/deployments/)
        .query(true)
        .reply(200, {})
        .get(/deployments/)
        .reply(200, { state: 'READY' })
        .put('/v1/organizations/acme/environments/prod/flowhooks/PreProxyFlowHook')
        .reply(409, googleError(409, 'ABORTED', 'flow hook PreProxyFlowHook is already attached to shared flow legacy-sf'));
    base();
    await assert.rejects(
      deploySharedFlow(o, zipFor(o)),
      /attach PreProxyFlowHook \(PUT .*flowhooks\/PreProxyFlowHook\): conflict \(409\): flow hook PreProxyFlowHook is already attached to shared flow legacy-sf; --replace-hooks/,
    );
    nock.cleanAll();
    const api = base()
      .delete('/v1/organizations/acme/environments/prod/flowhooks/PreProxyFlowHook')
      .reply(200, { flowHookPoint: 'PreProxyFlowHook', sharedFlow: 'legacy-sf' })
      .put('/v1/organizations/acme/environments/prod/flowhooks/PreProxyFlowHook')
      .reply(200, { flowHookPoint: 'PreProxyFlowHook', sharedFlow: 'palisade', continueOnError: true });
    await deploySharedFlow({ ...o, replaceHooks: true }, zipFor(o));
    assert.ok(api.isDone());
  });

  it('a deployment that ends in ERROR fails the run', async () => {
    const o = options({ gatewayToken: null });
    nock(X)
      .post('/v1/organizations/acme/sharedflows')
      .query(true)
      .reply(200, revisionJson('7'))
      .post(/deployments/)
      .query(true)
      .reply(200, {})
      .get(/deployments/)
      .reply(200, { state: 'ERROR', errors: [{ message: 'bad policy' }] });
    await assert.rejects(deploySharedFlow(o, zipFor(o)), /revision 7 failed to deploy/);
  });

  it('Edge: Basic auth, import with validation, form-encoded deploy with override, hooks by POST', async () => {
    const parsed = parseArgs(
      ['--flavor', 'edge', '--org', 'acme', '--env', 'test', '--control-plane-url', 'https://cp.acme.io', '--fail-closed'],
      {
        APIGEE_USER: 'ops@acme.io',
        APIGEE_PASSWORD: 'pw',
      },
    );
    assert.notEqual(parsed, 'help');
    const o = { ...(parsed as DeployOptions), hooks: ['PreProxyFlowHook' as const] };
    const basic = `Basic ${Buffer.from('ops@acme.io:pw').toString('base64')}`;
    const api = nock(EDGE, { reqheaders: { authorization: basic } })
      .post('/v1/organizations/acme/sharedflows')
      .query({ action: 'import', name: 'palisade', validate: 'true' })
      .reply(201, revisionJson('1'))
      .post('/v1/organizations/acme/environments/test/sharedflows/palisade/revisions/1/deployments', 'override=true&delay=5')
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, { environment: 'test', name: 'palisade', revision: [{ name: '1', state: 'deployed' }] })
      .post('/v1/organizations/acme/environments/test/flowhooks/PreProxyFlowHook', {
        sharedFlow: 'palisade',
        continueOnError: false,
        description: 'Palisade inspection (fail-closed)',
      })
      .reply(200, { sharedFlow: 'palisade', continueOnError: false });
    const zip = zipFor(o);
    assert.match(
      unzip(zip).get('sharedflowbundle/policies/PC-RulesFresh.xml')?.toString() ?? '',
      /<TimeoutInSec ref=/,
      'Edge cache syntax',
    );
    await deploySharedFlow(o, zip);
    assert.ok(api.isDone(), api.pendingMocks().join(', '));
  });

  it('--dry-run sends nothing, lists every request, never prints the gateway token', async () => {
    const lines: string[] = [];
    const code = await main(
      ['--org', 'acme', '--env', 'prod', '--control-plane-url', 'https://cp.acme.io', '--gateway-token-env', 'GW', '--dry-run'],
      { GW: 'pal_gw_secret' },
      (l) => lines.push(l),
    );
    assert.equal(code, 0);
    const text = lines.join('\n');
    assert.match(
      text,
      /would send: POST https:\/\/apigee\.googleapis\.com\/v1\/organizations\/acme\/sharedflows\?action=import&name=palisade <\d+ bytes>/,
    );
    assert.match(text, /would send: PUT .*flowhooks\/PreProxyFlowHook .*"continueOnError":true/);
    assert.match(text, /would send: PUT .*flowhooks\/PostProxyFlowHook/);
    assert.ok(!text.includes('pal_gw_secret'));
  });

  it('--hash-key-env stores the value-hash key as KVM entry hash-key, never printed; a malformed or all-zero key is refused', async () => {
    const key = '5f3c9a1be27d4086a1c2e3f405162738';
    const lines: string[] = [];
    const args = ['--org', 'acme', '--env', 'prod', '--control-plane-url', 'https://cp.acme.io', '--hash-key-env', 'HK', '--dry-run'];
    assert.equal(await main(args, { HK: key }, (l) => lines.push(l)), 0);
    const text = lines.join('\n');
    assert.match(text, /would send: POST .*keyvaluemaps\/palisade\/entries .*"name":"hash-key","value":"\*\*\*"/);
    assert.ok(!text.includes(key));
    const env = { APIGEE_TOKEN: 't' };
    assert.throws(() => parseArgs(args, { ...env, HK: 'xyz' }), /--hash-key-env: HK must hold 32 hex digits/);
    assert.throws(() => parseArgs(args, { ...env, HK: '0'.repeat(32) }), /all-zero key/);
  });

  it('refuses bad arguments with a message naming the flag', async () => {
    const env = { APIGEE_TOKEN: 't' };
    assert.throws(() => parseArgs(['--env', 'e', '--control-plane-url', 'https://x'], env), /--org is required/);
    assert.throws(
      () => parseArgs(['--org', 'o', '--env', 'e', '--control-plane-url', 'https://x', '--hooks', 'PreFlow'], env),
      /--hooks: unknown hook point PreFlow/,
    );
    assert.throws(
      () => parseArgs(['--org', 'o', '--env', 'e', '--control-plane-url', 'https://x', '--fail-open', '--fail-closed'], env),
      /exclude each other/,
    );
    assert.throws(() => parseArgs(['--org', 'o', '--env', 'e', '--control-plane-url', 'https://x'], {}), /APIGEE_TOKEN/);
    const lines: string[] = [];
    assert.equal(await main(['--org', 'o', '--env', 'e', '--control-plane-url', 'ftp://x', '--dry-run'], {}, (l) => lines.push(l)), 1);
    assert.match(lines.join('\n'), /controlPlaneUrl: must be an http\(s\) base URL/);
  });
});
