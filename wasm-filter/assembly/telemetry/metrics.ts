// Every metric the filter exports, declared once (STYLE.md §10; docs/filter-config.md lists the same
// names). Envoy prefixes custom metrics with `wasmcustom.`. Defined in on_configure: the
// restricted start phase allows no proxy_define_metric (notes §1.3).
import { defineMetric, incrementMetric, recordMetric } from "../abi/host";
import { MetricType } from "../abi/types";

export namespace MetricName {
  export const RequestsInspected = "palisade.requests_inspected";
  export const FindingsPrefix = "palisade.findings.";
  export const VerdictsPrefix = "palisade.verdicts.";
  export const EventsDropped = "palisade.events_dropped";
  export const EventsSent = "palisade.events_sent";
  export const RulesVersion = "palisade.rules_version";
  export const RulesRejected = "palisade.rules_rejected";
  export const InspectionErrors = "palisade.inspection_errors";
  export const FailOpenUsed = "palisade.fail_open_used";
  export const ControlPlaneReconnects = "palisade.control_plane_reconnects";
}

const ACTION_NAMES: Array<string> = ["none", "log", "rate_limit", "block"];

export class Metrics {
  requestsInspected: u32 = 0xffffffff;
  eventsDropped: u32 = 0xffffffff;
  eventsSent: u32 = 0xffffffff;
  rulesVersion: u32 = 0xffffffff;
  rulesRejected: u32 = 0xffffffff;
  inspectionErrors: u32 = 0xffffffff;
  failOpenUsed: u32 = 0xffffffff;
  reconnects: u32 = 0xffffffff;
  /** [action * 2 + (enforced ? 1 : 0)] → metric id; names `palisade.verdicts.<action>.<enforced|monitored>`. */
  verdicts: StaticArray<u32> = new StaticArray<u32>(8);
  private findingIds: Map<string, u32> = new Map<string, u32>();

  define(): void {
    this.requestsInspected = defineMetric(MetricType.Counter, MetricName.RequestsInspected);
    this.eventsDropped = defineMetric(MetricType.Counter, MetricName.EventsDropped);
    this.eventsSent = defineMetric(MetricType.Counter, MetricName.EventsSent);
    this.rulesVersion = defineMetric(MetricType.Gauge, MetricName.RulesVersion);
    this.rulesRejected = defineMetric(MetricType.Counter, MetricName.RulesRejected);
    this.inspectionErrors = defineMetric(MetricType.Counter, MetricName.InspectionErrors);
    this.failOpenUsed = defineMetric(MetricType.Counter, MetricName.FailOpenUsed);
    this.reconnects = defineMetric(MetricType.Counter, MetricName.ControlPlaneReconnects);
    for (let a = 0; a < 4; a++) {
      this.verdicts[a * 2] = defineMetric(MetricType.Counter, MetricName.VerdictsPrefix + ACTION_NAMES[a] + ".monitored");
      this.verdicts[a * 2 + 1] = defineMetric(MetricType.Counter, MetricName.VerdictsPrefix + ACTION_NAMES[a] + ".enforced");
    }
  }

  verdict(action: u32, enforced: bool): void {
    if (action > 3) return;
    incrementMetric(this.verdicts[<i32>action * 2 + (enforced ? 1 : 0)], 1);
  }

  /** `palisade.findings.<type>` += n, defined the first time a type is seen. */
  finding(type: string, n: i64 = 1): void {
    let id: u32;
    if (this.findingIds.has(type)) id = this.findingIds.get(type);
    else {
      id = defineMetric(MetricType.Counter, MetricName.FindingsPrefix + type);
      // Detector ids are bounded by the rule set; cap anyway so a hostile set cannot grow this.
      if (this.findingIds.size < 512) this.findingIds.set(type, id);
    }
    incrementMetric(id, n);
  }

  add(id: u32, n: i64): void {
    incrementMetric(id, n);
  }

  set(id: u32, value: u64): void {
    recordMetric(id, value);
  }
}
