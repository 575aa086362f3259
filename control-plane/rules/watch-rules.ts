// The WatchRules handler (gateway.proto), called by control-plane/grpc/server.ts once the
// gateway's token is verified. The first request says who the gateway is and which version it
// holds; the current RuleSet goes out at once when newer, then every new version. Later requests
// acknowledge (appliedVersion) or refuse (rejectedVersion + rejectReason) what was sent; both are
// recorded in the gateways registry. Every request may state the detector tables the gateway holds
// (detectorsDigest), which lets the hub leave them out of later pushes.
import * as grpc from '@grpc/grpc-js';
import { loadPalisadeGrpc } from '../../proto/load.ts';
import type { WatchRulesRequest__Output } from '../../proto/gen/palisade/v1/WatchRulesRequest.ts';
import type { GatewayRegistry } from '../gateways/gateway-registry.ts';
import type { WatchRulesCall, WatchRulesHandler } from '../grpc/server.ts';
import type { PushHub, Watcher } from './push-hub.ts';

export interface WatchRulesDeps {
  hub: PushHub;
  gateways: Pick<GatewayRegistry, 'hello' | 'rulesApplied' | 'rulesRejected' | 'watchStream'>;
  /** Streams that say nothing within this time are closed (default 10 s). */
  helloTimeoutMs?: number;
  onError?(err: unknown, context: string): void;
}

const PRESERIALIZED = Symbol.for('palisade.preserializedRuleSets');

/**
 * grpc-js serializes every write through the method's responseSerialize. Wrapping it to pass
 * Buffers through lets the hub write one serialization of a RuleSet to thousands of streams.
 * Must run before the service is added to a server (addService copies the function); idempotent.
 */
export function enablePreserializedRuleSets(): void {
  const method = loadPalisadeGrpc().palisade.v1.GatewayService.service.WatchRules as unknown as {
    responseSerialize: ((v: unknown) => Buffer) & { [PRESERIALIZED]?: true };
  };
  if (method.responseSerialize[PRESERIALIZED]) return;
  const original = method.responseSerialize;
  method.responseSerialize = Object.assign((v: unknown) => (Buffer.isBuffer(v) ? v : original(v)), { [PRESERIALIZED]: true as const });
}

function fail(call: WatchRulesCall, code: grpc.status, details: string): void {
  call.emit('error', { code, details, metadata: new grpc.Metadata() });
}

/** The handler createGrpcServer({ watchRules }) takes. */
export function createWatchRulesHandler(deps: WatchRulesDeps): WatchRulesHandler {
  enablePreserializedRuleSets();
  const report = deps.onError ?? (() => undefined);
  return (call, auth) => {
    let watcher: Watcher | null = null;
    let closed = false;
    const helloTimer = setTimeout(() => {
      if (!watcher && !closed) fail(call, grpc.status.INVALID_ARGUMENT, 'no WatchRulesRequest with gateway info received');
    }, deps.helloTimeoutMs ?? 10_000);
    helloTimer.unref();

    const cleanup = () => {
      if (closed) return;
      closed = true;
      clearTimeout(helloTimer);
      if (watcher) {
        deps.hub.remove(watcher);
        // During shutdown the app records every open stream as closed before the store closes
        // (PushHub.close()); streams ending after that touch nothing.
        if (!deps.hub.closed) deps.gateways.watchStream(auth.gatewayId, -1).catch((e) => report(e, 'watchStream'));
      }
    };
    call.on('end', () => {
      cleanup();
      call.end();
    });
    call.on('cancelled', cleanup);
    call.on('close', cleanup);
    call.on('error', cleanup);
    call.on('drain', () => watcher && deps.hub.drained(watcher));

    // Requests are handled in order: the hello is registered before acks are recorded.
    let chain: Promise<void> = Promise.resolve();
    call.on('data', (req: WatchRulesRequest__Output) => {
      chain = chain.then(() => handle(req)).catch((e) => report(e, 'WatchRules request'));
    });

    async function handle(req: WatchRulesRequest__Output): Promise<void> {
      if (closed) return;
      if (!watcher) {
        const info = req.gateway;
        if (info?.id && info.id !== auth.gatewayId) {
          return fail(call, grpc.status.PERMISSION_DENIED, `the token is for gateway '${auth.gatewayId}', not '${info.id}'`);
        }
        clearTimeout(helloTimer);
        await deps.gateways.hello(auth.gatewayId, info);
        await deps.gateways.watchStream(auth.gatewayId, 1);
        if (closed) {
          await deps.gateways.watchStream(auth.gatewayId, -1);
          return;
        }
        const held = Number(req.heldVersion) || 0;
        watcher = {
          gatewayId: auth.gatewayId,
          sentVersion: held,
          detectorsDigest: req.detectorsDigest || '',
          write: (bytes) => call.write(bytes as never),
        };
        // Response headers go out with the registration, not with the first push: after a reconnect
        // storm that first publish would otherwise encode a header block per stream before its bytes.
        call.sendMetadata(new grpc.Metadata());
        deps.hub.add(watcher);
        if (held > 0) await deps.gateways.rulesApplied(auth.gatewayId, held);
      }
      const applied = Number(req.appliedVersion) || 0;
      const rejected = Number(req.rejectedVersion) || 0;
      // Only the answer to the newest version sent tells what the gateway holds now: an older
      // one is overtaken by what is still on its way.
      if ((applied > 0 || rejected > 0) && Math.max(applied, rejected) >= watcher.sentVersion)
        watcher.detectorsDigest = req.detectorsDigest || '';
      if (rejected > 0) deps.hub.refused(watcher, rejected);
      if (applied > 0) {
        await deps.gateways.rulesApplied(auth.gatewayId, applied);
        deps.hub.emit('ack', auth.gatewayId, applied);
      }
      if (rejected > 0) {
        const reason = (req.rejectReason || '').slice(0, 1024);
        await deps.gateways.rulesRejected(auth.gatewayId, rejected, reason);
        deps.hub.emit('reject', auth.gatewayId, rejected, reason);
      }
    }
  };
}
