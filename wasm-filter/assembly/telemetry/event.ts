// One exchange as reported to the control plane (palisade.v1.ApiEvent, telemetry.proto). Plain
// data filled by the filter and encoded once by codec/telemetry-encode.ts when it is queued.
import { Findings } from "../detect/findings";

/** palisade.v1.JsonType numbers. */
export const JSON_NULL: u32 = 1;
export const JSON_BOOLEAN: u32 = 2;
export const JSON_INTEGER: u32 = 3;
export const JSON_NUMBER: u32 = 4;
export const JSON_STRING: u32 = 5;
export const JSON_OBJECT: u32 = 6;
export const JSON_ARRAY: u32 = 7;

export class EventFinding {
  type: string = "";
  category: u32 = 0;
  severity: u32 = 0;
  direction: u32 = 0;
  field: u32 = 0;
  name: string = "";
  jsonPath: string = "";
  start: u32 = 0;
  end: u32 = 0;
  confidence: u32 = 0;
  masked: string = "";
  valueHash: u64 = 0;
}

export class EventParam {
  constructor(
    public name: string,
    /** palisade.v1.FieldKind */
    public kind: u32,
    /** palisade.v1.JsonType */
    public type: u32,
    /** Format hint of a string value (telemetry/format.ts), "" for none. */
    public format: string = "",
  ) {}
  /** Parameter.value_hash / value of a query parameter (telemetry/value-hash.ts); 0 and "": none. */
  valueHash: u64 = 0;
  value: string = "";
}

/** Never changed once made: later exchanges share it (field-intern.ts) and its bytes are cached. */
export class FieldShape {
  constructor(
    public path: string,
    public type: u32,
    public format: string = "",
  ) {}
  /** path, type and format as FieldShape fields 1-3, once the event encoder has written them. */
  encoded: ArrayBuffer | null = null;
}

/**
 * FieldShape.value_hash and value of fields[index] in one body: kept apart from the FieldShape,
 * which later exchanges share (field-intern.ts), and only for the few fields that have one.
 */
export class FieldValue {
  constructor(
    public index: i32,
    public hash: u64,
    /** The literal, only when released (telemetry/value-hash.ts); "" otherwise. */
    public value: string,
  ) {}
}

export class BodyShape {
  contentType: string = "";
  fields: Array<FieldShape> = [];
  /** Ascending by index; filled by addValue(). */
  values: Array<FieldValue> = [];
  /** Every FieldValue this shape made: values reuses them body after body (the event is reused). */
  private madeValues: Array<FieldValue> = [];
  truncated: bool = false;
  fieldsDropped: u32 = 0;
  notInspectedReason: string = "";

  /** Adds the value hash (and released value) of fields[index], in a FieldValue of an earlier body when there is one. */
  addValue(index: i32, hash: u64, value: string): void {
    const k = this.values.length;
    const made = this.madeValues;
    if (k < made.length) {
      const v = unchecked(made[k]); // k < made.length
      v.index = index;
      v.hash = hash;
      v.value = value;
      this.values.push(v);
      return;
    }
    const v = new FieldValue(index, hash, value);
    made.push(v);
    this.values.push(v);
  }

  /** As new, keeping the lists' room (ApiEvent.reset). */
  reset(): void {
    this.contentType = "";
    this.fields.length = 0;
    this.values.length = 0;
    this.truncated = false;
    this.fieldsDropped = 0;
    this.notInspectedReason = "";
  }
}

export class EventVerdict {
  action: u32 = 0;
  mode: u32 = 0;
  policyId: string = "";
  enforced: bool = false;
  status: u32 = 0;
  reason: string = "";
  direction: u32 = 0;

  reset(): void {
    this.action = 0;
    this.mode = 0;
    this.policyId = "";
    this.enforced = false;
    this.status = 0;
    this.reason = "";
    this.direction = 0;
  }
}

export class ApiEvent {
  id: u64 = 0;
  timestampMs: u64 = 0;
  requestId: string = "";
  host: string = "";
  method: string = "";
  path: string = "";
  pathTemplate: string = "";
  status: u32 = 0;
  requestBytes: u64 = 0;
  responseBytes: u64 = 0;
  latencyUs: u32 = 0;
  clientIp: string = "";
  authScheme: u32 = 0;
  jwtAlg: string = "";
  keyName: string = "";
  params: Array<EventParam> = [];
  requestShape: BodyShape = new BodyShape();
  responseShape: BodyShape = new BodyShape();
  findings: Array<EventFinding> = [];
  /**
   * The scanner's findings, encoded after `findings` as the same entries (the filter's case: no
   * copy into EventFinding objects); the first scannedRequestCount are the request's.
   */
  scanned: Findings | null = null;
  scannedRequestCount: i32 = 0;
  verdict: EventVerdict = new EventVerdict();
  rulesVersion: u64 = 0;
  scheme: string = "";
  userAgent: string = "";
  /** Upstream (destination) IP without port, "" when no upstream was contacted. */
  upstreamIp: string = "";

  /**
   * As new, keeping its objects and their lists' room: the filter recycles the event of a deleted
   * exchange for the next one (filter.ts Spares). Every field above is set here (filter-in-host
   * test "an exchange reports nothing of the one before it").
   */
  reset(): void {
    this.id = 0;
    this.timestampMs = 0;
    this.requestId = "";
    this.host = "";
    this.method = "";
    this.path = "";
    this.pathTemplate = "";
    this.status = 0;
    this.requestBytes = 0;
    this.responseBytes = 0;
    this.latencyUs = 0;
    this.clientIp = "";
    this.authScheme = 0;
    this.jwtAlg = "";
    this.keyName = "";
    this.params.length = 0;
    this.requestShape.reset();
    this.responseShape.reset();
    this.findings.length = 0;
    this.scanned = null;
    this.scannedRequestCount = 0;
    this.verdict.reset();
    this.rulesVersion = 0;
    this.scheme = "";
    this.userAgent = "";
    this.upstreamIp = "";
  }
}

/** palisade.v1.GatewayCounters */
export class GatewayCounters {
  requestsSeen: u64 = 0;
  eventsQueued: u64 = 0;
  eventsDropped: u64 = 0;
  inspectionErrors: u64 = 0;
  failOpenUsed: u64 = 0;
}
