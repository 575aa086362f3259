// The fleet-wide rate-limit descriptor header (envoy/global-ratelimit.yaml): `<policy id>:<hex
// SipHash of the bucket key>`, so Envoy's global rate-limit service counts the same bucket on every
// gateway without seeing the key. The value of the last (policy, key) is kept: a client's requests
// on one connection repeat it.
import { siphash24 } from "../detect/siphash";

export class RateDescriptor {
  private policyId: string = "";
  private rateKey: string = "";
  private value: ArrayBuffer = new ArrayBuffer(0);

  /** The header value (UTF-8) for `rateKey` of `policyId` under the deployment's hash key. */
  valueFor(policyId: string, rateKey: string, k0: u64, k1: u64): ArrayBuffer {
    if (this.value.byteLength > 0 && rateKey == this.rateKey && policyId == this.policyId) return this.value;
    const key = String.UTF8.encode(rateKey);
    const h = siphash24(k0, k1, changetype<usize>(key), <usize>key.byteLength);
    this.value = String.UTF8.encode(policyId + ":" + h.toString(16));
    this.policyId = policyId;
    this.rateKey = rateKey;
    return this.value;
  }
}
