// One HTTP exchange: headers → body (bounded) → verdict → response inspection → event.
// Request bodies: headers Continue (or Pause when allow_on_headers_stop_iteration holds them),
// body Pause until end of stream or the inspection limit (notes §4). Responses: the same, with
// the two enforcement styles of DESIGN.md "Enforcing on responses in Envoy".
import { HttpContext } from "./abi/context";
import {
  getBufferBytes,
  readBufferBytes,
  getHeaderPairs,
  getPropertyAt,
  log,
  nowNanos,
  PropertyPath,
  removeHeader,
  replaceHeader,
  replaceHeaderAt,
  sendLocalResponse,
  setBufferBytes,
} from "./abi/host";
import { HeaderPair, findHeader } from "./abi/pairs";
import { Action, BufferType, LogLevel, MapType } from "./abi/types";
import { encodeApiEvent } from "./codec/telemetry-encode";
import { Mode } from "./config/plugin-config";
import { Findings, ScanLimits, SYNTAX_FORM, SYNTAX_JSON, bodyMode, bodySyntax } from "./detect";
import { FIELD_BODY } from "./detect/field-kinds";
import { PalisadeRoot } from "./filter";
import { clientCertificateDecides, detectRequestAuth } from "./policy/auth-scheme";
import { IpAddress, parseIp, stripPort } from "./policy/ip";
import { matchesRequest } from "./policy/match";
import { Direction, FailureMode, PolicyAction, PolicyMode, ResponseBlockStyle, RuleSet } from "./policy/model";
import { AuthScheme, FindingFact, RequestInfo } from "./policy/request-info";
import { Decision, decide } from "./policy/verdict";
import { ActiveRules } from "./rules/active-rules";
import { ShapeCollector } from "./telemetry/body-shape";
import { ApiEvent, BodyShape } from "./telemetry/event";
import { inferParams, mediaTypeInspectable } from "./telemetry/params";
import { scanPath } from "./telemetry/path-privacy";
import { upstreamIpOf } from "./telemetry/upstream-address";
import { beginValues, VALUE_QUERY, VALUE_REQUEST, VALUE_RESPONSE } from "./telemetry/value-hash";
import { lowerCaseOf, upperCaseOf } from "./util/ascii";
import { jsonEscape } from "./util/json-escape";

// @ts-ignore: decorator
@inline const DEFAULT_MAX_FINDINGS: i32 = 32;
// @ts-ignore: decorator
@inline const MAX_SHAPE_FIELDS: i32 = 64;
// @ts-ignore: decorator
@inline const MAX_USER_AGENT: i32 = 256;
const SOURCE_ADDRESS = new PropertyPath(["source", "address"]);
/** Shared by every decision without findings; never written to (policy/verdict.ts only reads). */
const NO_FACTS = new Array<FindingFact>();
/**
 * The facts of the decision at work, and every FindingFact made so far to fill them: decide()
 * reads them and keeps none, and callbacks never nest, so one list serves every decision.
 */
const FACTS = new Array<FindingFact>();
const FACT_POOL = new Array<FindingFact>();
const CONNECTION_MTLS = new PropertyPath(["connection", "mtls"]);
/** Findings of each detector while report() counts them (zero otherwise), by detector index. */
let detectorCounts = new StaticArray<i64>(64);
/** The index of each detector's first finding while report() counts them. */
let firstFindings = new StaticArray<i32>(0);
const UPSTREAM_ADDRESS = new PropertyPath(["upstream", "address"]);
/** The last source.address read and what it gave (read-only once made: decisions only compare). */
let lastSource = new ArrayBuffer(0);
let lastClientText = "";
let lastClientIp: IpAddress | null = null;
/** The last :path value and its parts (read-only once made, like the client address above). */
let lastPathValue = "";
let lastQueryAt = -1;
let lastPathPart = "";
let lastQueryPart = "";

export class Exchange extends HttpContext {
  root: PalisadeRoot;
  rules: ActiveRules;
  startNs: u64 = 0;
  req: RequestInfo = new RequestInfo();
  scheme: string = "";
  requestId: string = "";
  userAgent: string = "";
  /** The root's recycled list (taken in the constructor, given back in onDelete). */
  findings: Findings;
  limits: ScanLimits = new ScanLimits();
  requestFindingCount: i32 = 0;
  charged: Array<Decision> = [];
  decision: Decision = new Decision();
  /** The root's recycled event (taken in the constructor, given back in onDelete). */
  event: ApiEvent;
  maxBody: u32 = 0;
  sampled: bool = true;
  inspectRequestBody: bool = false;
  inspectResponseBody: bool = false;
  requestContentType: string = "";
  /** bodySyntax() of each body's content type, read when its headers arrive. */
  requestSyntax: i32 = 0;
  responseSyntax: i32 = 0;
  localReplied: bool = false;
  responseBlocked: bool = false;
  sawRequest: bool = false;
  /** req.path with every segment that carries a finding replaced by `{type}`. */
  reportedPath: string = "";
  reported: bool = false;
  /** Released value hashes of the endpoints this exchange matches; found on first use. */
  releases: Array<Array<u64>> | null = null;

  constructor(id: u32, root: PalisadeRoot) {
    super(id, root.id);
    this.root = root;
    // Rules are captured per exchange: a swap mid-exchange applies to the next request only.
    this.rules = root.active!;
    const findings = root.spareFindings.take();
    this.findings = findings !== null ? findings : new Findings();
    const event = root.spareEvents.take();
    this.event = event !== null ? event : new ApiEvent();
  }

  private get monitorOnly(): bool {
    return this.root.config.mode == Mode.Monitor;
  }

  // ---- request -------------------------------------------------------------------------------

  onRequestHeaders(count: u32, endOfStream: bool): u32 {
    this.sawRequest = true;
    this.startNs = nowNanos();
    const config = this.root.config;
    const settings = this.rules.rules.settings;
    const headers = getHeaderPairs(MapType.HttpRequestHeaders, this.root.spareHeaders.take());
    const req = this.req;
    req.headers = headers;
    let path = "";
    let pathPair: HeaderPair | null = null;
    let authority = "";
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i];
      const name = h.name;
      // By length first: string compares are calls, and most headers match none of these.
      switch (name.length) {
        case 4:
          if (name == "host" && authority.length == 0) authority = h.value;
          break;
        case 5:
          if (name == ":path") {
            path = h.value;
            pathPair = h;
          }
          break;
        case 7:
          if (name == ":method") req.method = upperCaseOf(h.value);
          else if (name == ":scheme") this.scheme = h.value;
          break;
        case 10:
          if (name == ":authority") authority = h.value;
          else if (name == "user-agent") this.userAgent = h.value.length > MAX_USER_AGENT ? h.value.substring(0, MAX_USER_AGENT) : h.value;
          break;
        case 12:
          if (name == "x-request-id") this.requestId = h.value;
          else if (name == "content-type") this.requestContentType = h.value;
          break;
      }
    }
    // A :path whose bytes repeat the last one's is the same string (abi/pairs.ts PairStrings), held
    // in lastPathValue so no other string can take its address: its parts are cut once.
    if (changetype<usize>(path) != changetype<usize>(lastPathValue)) {
      const at = path.indexOf("?");
      lastPathValue = path;
      lastQueryAt = at;
      lastPathPart = at >= 0 ? path.substring(0, at) : path;
      lastQueryPart = at >= 0 ? path.substring(at + 1) : "";
    }
    const q = lastQueryAt;
    req.path = lastPathPart;
    req.query = lastQueryPart;
    req.host = lowerCaseOf(stripPort(authority));
    // The :path value's bytes as the host sent them, when ASCII (then a byte per char): the path
    // and the query are scanned in place.
    const rawPath: usize = pathPair !== null && pathPair.raw !== null ? changetype<usize>(pathPair.raw) + <usize>pathPair.rawValueAt : 0;
    const source = getPropertyAt(SOURCE_ADDRESS);
    if (source !== null) {
      // A connection's requests repeat it: the address is parsed when it changes.
      if (source.byteLength != lastSource.byteLength || memory.compare(changetype<usize>(source), changetype<usize>(lastSource), <usize>source.byteLength) != 0) {
        lastClientText = stripPort(String.UTF8.decode(source));
        lastClientIp = parseIp(lastClientText);
        lastSource = source;
      }
      req.clientIpText = lastClientText;
      req.clientIp = lastClientIp;
    }
    detectRequestAuth(req);
    if (clientCertificateDecides(req)) {
      const mtls = getPropertyAt(CONNECTION_MTLS);
      if (mtls !== null && mtls.byteLength > 0 && load<u8>(changetype<usize>(mtls)) != 0) req.authScheme = AuthScheme.Mtls;
    }

    // The fleet-wide descriptor header is ours to set: never trust one sent by the client.
    const descriptor = config.rateLimitDescriptorHeader;
    if (descriptor.length > 0 && findHeader(headers, descriptor) !== null) removeHeader(MapType.HttpRequestHeaders, descriptor);

    this.maxBody = config.maxBodyBytes;
    if (settings.maxBodyBytes > 0 && settings.maxBodyBytes < this.maxBody) this.maxBody = settings.maxBodyBytes;
    const percent = settings.samplePercent > 0 && settings.samplePercent < config.samplePercent ? settings.samplePercent : config.samplePercent;
    this.sampled = percent >= 100 || <u32>(this.root.random() % 100) < percent;
    this.limits.maxFindings = <u32>(settings.maxFindingsPerEvent > 0 ? settings.maxFindingsPerEvent : DEFAULT_MAX_FINDINGS);
    this.limits.minConfidence = settings.minConfidence;
    this.limits.maxFieldBytes = this.maxBody; // bodies only: headers and the query are scanned whole

    // Path, headers and query are always inspected (cheap, bounded); bodies per limits and
    // sampling. The path goes first so the finding limit never leaves a segment unmasked.
    const scanner = this.rules.scanner;
    this.reportedPath = scanPath(scanner, req.path, this.findings, this.limits, rawPath);
    this.scanHeaders(headers);
    if (req.query.length > 0) {
      if (rawPath != 0) scanner.scanQuery(rawPath + <usize>q + 1, <usize>(path.length - q - 1), this.findings, this.limits);
      else {
        const qb = String.UTF8.encode(req.query);
        scanner.scanQuery(changetype<usize>(qb), <usize>qb.byteLength, this.findings, this.limits);
      }
    }
    // Everything found so far is the request's, also when a block on headers ends the exchange
    // here (onResponseHeaders, which would otherwise mark the split, then never runs).
    this.requestFindingCount = this.findings.count;
    this.root.counters.requestsSeen++;
    this.root.metrics.add(this.root.metrics.requestsInspected, 1);

    if (!endOfStream) {
      const media = mediaType(this.requestContentType);
      const reason = this.bodySkipReason(findHeader(headers, "content-encoding"), media);
      this.event.requestShape.contentType = media;
      this.event.requestShape.notInspectedReason = reason;
      this.inspectRequestBody = reason.length == 0;
      if (this.inspectRequestBody) this.requestSyntax = bodySyntax(this.requestContentType);
    }

    if (this.evaluate(Direction.Request)) return Action.Pause;
    this.setDescriptor();
    if (this.inspectRequestBody && config.allowOnHeadersStopIteration) return Action.Pause;
    return Action.Continue;
  }

  onRequestBody(size: u32, endOfStream: bool): u32 {
    if (this.localReplied) return Action.Pause;
    this.event.requestBytes = <u64>size;
    if (!this.inspectRequestBody) return Action.Continue;
    const overLimit = size > this.maxBody;
    if (!endOfStream && !overLimit) return Action.Pause; // keep buffering (StopIterationAndBuffer)
    this.inspectRequestBody = false;
    const inspected = this.scanBody(BufferType.HttpRequestBody, size, this.requestSyntax, this.event.requestShape);
    this.event.requestShape.truncated = overLimit;
    if (!inspected) this.event.requestShape.notInspectedReason = "read-error";
    this.requestFindingCount = this.findings.count;
    if (this.evaluate(Direction.Request)) return Action.Pause;
    if ((overLimit || !inspected) && this.failClosed(Direction.Request)) return Action.Pause;
    return Action.Continue;
  }

  // ---- response ------------------------------------------------------------------------------

  onResponseHeaders(count: u32, endOfStream: bool): u32 {
    if (this.localReplied) return Action.Continue; // our own local reply passing through
    this.requestFindingCount = this.findings.count;
    // Response headers are inspected like the request's (a token or a stack trace in a header
    // leaks as surely as in a body); the findings from here on are the response's.
    const headers = getHeaderPairs(MapType.HttpResponseHeaders, this.root.spareHeaders.take());
    let contentType = "";
    let encoding: string | null = null;
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i];
      const name = h.name;
      if (name.length == 7 && name == ":status") this.event.status = <u32>I32.parseInt(h.value);
      else if (name.length == 12 && name == "content-type") contentType = h.value;
      else if (name.length == 16 && name == "content-encoding") encoding = h.value;
    }
    this.scanHeaders(headers);
    this.root.spareHeaders.give(headers); // findings keep no reference to the values' bytes
    if (this.findings.count > this.requestFindingCount && this.blockOnResponseHeaders()) return Action.Pause;
    if (endOfStream) return Action.Continue;
    const media = mediaType(contentType);
    const reason = this.bodySkipReason(encoding, media);
    this.event.responseShape.contentType = media;
    this.event.responseShape.notInspectedReason = reason;
    this.inspectResponseBody = reason.length == 0;
    if (!this.inspectResponseBody) return Action.Continue;
    this.responseSyntax = bodySyntax(contentType);
    if (!this.mayBlockResponse()) return Action.Continue;
    if (this.root.config.allowOnHeadersStopIteration) return Action.Pause; // hold headers (Envoy >= 1.35)
    // Headers go out now; the body may be replaced, so its length may change.
    removeHeader(MapType.HttpResponseHeaders, "content-length");
    return Action.Continue;
  }

  onResponseBody(size: u32, endOfStream: bool): u32 {
    if (this.localReplied) return Action.Continue;
    this.event.responseBytes = <u64>size;
    if (this.responseBlocked) {
      // The replacement body was already written: drop what the upstream still sends.
      if (size > 0) setBufferBytes(BufferType.HttpResponseBody, 0, size, new ArrayBuffer(0));
      return Action.Continue;
    }
    if (!this.inspectResponseBody) return Action.Continue;
    const overLimit = size > this.maxBody;
    if (!endOfStream && !overLimit) return Action.Pause;
    this.inspectResponseBody = false;
    const inspected = this.scanBody(BufferType.HttpResponseBody, size, this.responseSyntax, this.event.responseShape);
    this.event.responseShape.truncated = overLimit;
    if (!inspected) this.event.responseShape.notInspectedReason = "read-error";
    const d = this.decideNow(Direction.Response);
    if (d.action == PolicyAction.Block && d.enforced) return this.blockResponse(d, size);
    if (d.action != PolicyAction.Unspecified) this.record(d);
    return Action.Continue;
  }

  // ---- end -----------------------------------------------------------------------------------

  onLog(): void {
    this.report();
  }

  onDone(): bool {
    this.report();
    return true;
  }

  onDelete(): void {
    // The event was encoded in report(); nothing reads it, the findings or the request headers after this.
    this.findings.clear();
    this.root.spareFindings.give(this.findings);
    this.event.reset();
    this.root.spareEvents.give(this.event);
    this.root.spareHeaders.give(this.req.headers);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Scans every header but the pseudo-headers (:path is scanned apart, by scanPath and scanQuery). */
  private scanHeaders(headers: Array<HeaderPair>): void {
    const scanner = this.rules.scanner;
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i];
      if (h.name.startsWith(":")) continue;
      const raw = h.raw;
      if (raw !== null) {
        // The value's bytes as the host sent them (ASCII, so identical to re-encoding it).
        scanner.scanHeader(h.name, changetype<usize>(raw) + <usize>h.rawValueAt, <usize>h.rawValueLength, this.findings, this.limits);
        continue;
      }
      const v = String.UTF8.encode(h.value);
      scanner.scanHeader(h.name, changetype<usize>(v), <usize>v.byteLength, this.findings, this.limits);
    }
  }

  /** Why a body will not be inspected ("" when it will); `media` is mediaType() of its content type. */
  private bodySkipReason(encoding: string | null, media: string): string {
    if (!this.sampled) return "sampled-out";
    // We do not decompress: a bounded inflate would cost more than the rest of the pipeline.
    if (encoding !== null && encoding.length > 0 && encoding.toLowerCase() != "identity") return "content-encoding:" + encoding.toLowerCase();
    const settings = this.rules.rules.settings;
    const types = settings.inspectContentTypes.length > 0 ? settings.inspectContentTypes : this.root.config.inspectContentTypes;
    if (!mediaTypeInspectable(media, types)) return "content-type";
    if (this.maxBody == 0) return "limit";
    return "";
  }

  /** Scans the buffered body prefix (`syntax`: bodySyntax() of its content type); false when the host would not give it to us. */
  private scanBody(bufferType: u32, size: u32, syntax: i32, shape: BodyShape): bool {
    const n = size < this.maxBody ? size : this.maxBody;
    if (n == 0) return true;
    const body = readBufferBytes(bufferType, 0, n); // lent until the next body read
    if (body === null) {
      this.root.counters.inspectionErrors++;
      this.root.metrics.add(this.root.metrics.inspectionErrors, 1);
      return false;
    }
    const ptr = body.ptr;
    const len = body.length;
    const scanner = this.rules.scanner;
    this.hashValues(bufferType == BufferType.HttpRequestBody ? VALUE_REQUEST : VALUE_RESPONSE);
    // One field budget per event: the response gets what the request left.
    const shapes = new ShapeCollector(scanner.seg, shape, MAX_SHAPE_FIELDS - this.event.requestShape.fields.length + shape.fields.length);
    const mode = bodyMode(syntax, ptr, len);
    // A JSON body's shape is collected in the scanner's walk; json() walks only if it did not.
    scanner.scanBody(syntax, ptr, len, this.findings, this.limits, mode == SYNTAX_JSON ? shapes : null);
    if (mode == SYNTAX_JSON) shapes.json(ptr, len);
    else if (mode == SYNTAX_FORM) shapes.form(ptr, len);
    return true;
  }

  /** Value hashes from now on are for `location`, with the releases of this exchange's endpoint. */
  private hashValues(location: u8): void {
    const all = this.rules.rules.valueReleases;
    let matched = this.releases;
    if (matched === null && all.length > 0) {
      matched = new Array<Array<u64>>();
      for (let i = 0; i < all.length; i++) if (matchesRequest(all[i].endpoint, this.req)) matched.push(all[i].hashes);
      this.releases = matched;
    }
    beginValues(this.root.hashKey0, this.root.hashKey1, location, matched);
  }

  private facts(from: i32, to: i32, direction: u32): Array<FindingFact> {
    if (from >= to) return NO_FACTS; // most requests: decide() only reads it
    FACTS.length = 0;
    for (let i = from; i < to; i++) {
      const f = this.findings.at(i);
      const k = i - from;
      if (k == FACT_POOL.length) FACT_POOL.push(new FindingFact(f.type, <u32>f.severity, direction));
      else {
        const fact = FACT_POOL[k];
        fact.type = f.type;
        fact.severity = <u32>f.severity;
        fact.direction = direction;
      }
      FACTS.push(FACT_POOL[k]);
    }
    return FACTS;
  }

  private decideNow(direction: u32): Decision {
    const facts =
      direction == Direction.Request
        ? this.facts(0, this.findings.count, Direction.Request)
        : this.facts(this.requestFindingCount, this.findings.count, Direction.Response);
    return decide(this.rules.rules, this.req, facts, direction, this.root.limiter, this.monitorOnly, this.charged);
  }

  /** Request-side decision; true when a local reply was sent (the callback must Pause). */
  private evaluate(direction: u32): bool {
    const d = this.decideNow(direction);
    if (d.action == PolicyAction.Unspecified) return false;
    this.record(d);
    if (!d.enforced) return false;
    const p = d.policy!;
    if (d.action == PolicyAction.RateLimit) {
      const body = '{"error":"rate_limited","policy":"' + jsonEscape(p.id) + '"}';
      this.reply(429, "palisade_rate_limited", body, "application/json", [new HeaderPair("retry-after", d.retryAfterSeconds.toString())]);
      return true;
    }
    this.reply(d.status, "palisade_blocked", blockBody(p.id, p.block.body), p.block.contentType, []);
    return true;
  }

  private record(d: Decision): void {
    // A later, stronger decision (e.g. a block on the body after a LOG on headers) replaces it.
    const current = this.decision;
    if (current.action == PolicyAction.Unspecified || d.action >= current.action || d.enforced) this.decision = d;
  }

  private reply(status: u32, details: string, body: string, contentType: string, extra: Array<HeaderPair>): void {
    extra.push(new HeaderPair("content-type", contentType));
    sendLocalResponse(status, details, String.UTF8.encode(body), extra);
    this.localReplied = true;
    this.event.status = status;
  }

  /** The fleet-wide descriptor for Envoy's global rate-limit filter (envoy/global-ratelimit.yaml). */
  private setDescriptor(): void {
    const name = this.root.config.rateLimitDescriptorHeader;
    const d = this.decision;
    if (name.length == 0 || d.action != PolicyAction.RateLimit || d.rateKey.length == 0 || d.mode != PolicyMode.Enforce) return;
    const root = this.root;
    const value = root.rateDescriptor.valueFor(d.policyId, d.rateKey, root.hashKey0, root.hashKey1);
    replaceHeaderAt(MapType.HttpRequestHeaders, root.rateDescriptorName.bytes, value);
  }

  /** Could an enforced response-side BLOCK happen for this request? (Then the body is held.) */
  private mayBlockResponse(): bool {
    if (this.monitorOnly) return false;
    const rules: RuleSet = this.rules.rules;
    for (let i = 0; i < rules.policies.length; i++) {
      const p = rules.policies[i];
      if (p.action != PolicyAction.Block || !p.match.needsFindings || p.match.findingDirection == Direction.Request) continue;
      if (p.mode == PolicyMode.Monitor || (p.mode == PolicyMode.Unspecified && rules.settings.defaultMode == PolicyMode.Monitor)) continue;
      if (matchesRequest(p.match, this.req)) return true;
    }
    return false;
  }

  /**
   * A BLOCK enforced on what the response headers carry: they have not left yet, so the whole
   * response is replaced by the block reply, whatever the policy's response style (a masked or
   * replaced body would still let the header out). True when the reply was sent.
   */
  private blockOnResponseHeaders(): bool {
    if (!this.mayBlockResponse()) return false;
    const d = this.decideNow(Direction.Response);
    if (d.action == PolicyAction.Unspecified) return false;
    this.record(d);
    if (d.action != PolicyAction.Block || !d.enforced) return false;
    const p = d.policy!;
    this.reply(d.status, "palisade_blocked_response", blockBody(p.id, p.block.body), p.block.contentType, []);
    return true;
  }

  private blockResponse(d: Decision, size: u32): u32 {
    this.record(d);
    const p = d.policy!;
    const style = p.block.responseStyle;
    const held = this.root.config.allowOnHeadersStopIteration;
    if (held && (style == ResponseBlockStyle.Error || style == ResponseBlockStyle.Unspecified)) {
      this.reply(d.status, "palisade_blocked_response", blockBody(p.id, p.block.body), p.block.contentType, []);
      return Action.Pause;
    }
    // Headers already left (or the policy keeps them): rewrite the body (DESIGN.md "Enforcing on
    // responses"). Without held headers content-length was removed in onResponseHeaders; with
    // them it is set to the new length here.
    if (style == ResponseBlockStyle.Mask) {
      const body = getBufferBytes(BufferType.HttpResponseBody, 0, size);
      if (body !== null) {
        this.maskFindings(body);
        setBufferBytes(BufferType.HttpResponseBody, 0, size, body);
      }
    } else {
      const replacement = String.UTF8.encode(blockBody(p.id, p.block.body));
      setBufferBytes(BufferType.HttpResponseBody, 0, size, replacement);
      if (held) replaceHeader(MapType.HttpResponseHeaders, "content-length", replacement.byteLength.toString());
      this.responseBlocked = true;
    }
    return Action.Continue;
  }

  /**
   * Overwrites each response-body finding with its masked preview when that has the finding's
   * length on the wire (the usual case: `4111********1111`), else with `*`: the length never
   * changes, so content-length stays right.
   */
  private maskFindings(body: ArrayBuffer): void {
    const base = changetype<usize>(body);
    const n = <u32>body.byteLength;
    for (let i = this.requestFindingCount; i < this.findings.count; i++) {
      const f = this.findings.at(i);
      if (f.field != FIELD_BODY || f.end > n || f.start >= f.end) continue;
      const span = f.end - f.start;
      if (<u32>f.maskedLength == span) memory.copy(base + <usize>f.start, changetype<usize>(f.maskedBytes), <usize>span);
      else memory.fill(base + <usize>f.start, 0x2a, <usize>span);
    }
  }

  /**
   * Inspection did not complete (body past the limit, unreadable). A BLOCK policy that could have
   * matched decides: FAILURE_MODE_CLOSED refuses with 503; otherwise (the default, or the plugin's
   * fail_open) the request passes and `fail_open_used` is counted.
   */
  private failClosed(direction: u32): bool {
    if (this.monitorOnly) return false;
    const rules = this.rules.rules;
    let candidate = false;
    for (let i = 0; i < rules.policies.length; i++) {
      const p = rules.policies[i];
      if (p.action != PolicyAction.Block || !p.match.needsFindings || !matchesRequest(p.match, this.req)) continue;
      candidate = true;
      const closed = p.failureMode == FailureMode.Closed || (p.failureMode == FailureMode.Unspecified && !this.root.config.failOpen);
      if (closed) {
        const d = new Decision();
        d.action = PolicyAction.Block;
        d.mode = PolicyMode.Enforce;
        d.policyId = p.id;
        d.enforced = true;
        d.status = 503;
        d.reason = "fail-closed";
        d.direction = direction;
        this.record(d);
        log(LogLevel.Warn, "palisade: fail-closed by policy " + p.id + " (inspection incomplete)");
        this.reply(503, "palisade_fail_closed", blockBody(p.id, ""), "application/json", []);
        return true;
      }
    }
    if (candidate) {
      this.root.counters.failOpenUsed++;
      this.root.metrics.add(this.root.metrics.failOpenUsed, 1);
      if (this.decision.action == PolicyAction.Unspecified) this.decision.reason = "fail-open";
    }
    return false;
  }

  private report(): void {
    if (this.reported || !this.sawRequest) return;
    this.reported = true;
    const root = this.root;
    const e = this.event;
    const req = this.req;
    e.id = root.nextEventId++;
    e.timestampMs = this.startNs / 1_000_000;
    e.latencyUs = <u32>((nowNanos() - this.startNs) / 1000);
    e.requestId = this.requestId;
    e.host = req.host;
    e.method = req.method;
    e.path = this.reportedPath; // segments with a finding masked (telemetry/path-privacy.ts)
    e.clientIp = req.clientIpText;
    // The destination, read once when the exchange is over. Not free: Envoy runs on_log before the
    // last response bytes leave the connection's write buffer (scripts/bench/filter/latency.bench.ts
    // header). Absent when no upstream host was chosen (a local reply before routing, no route);
    // after a failed connect Envoy still names the host it tried, the dev gateway (which never
    // connected) names none.
    const upstream = getPropertyAt(UPSTREAM_ADDRESS);
    if (upstream !== null) e.upstreamIp = upstreamIpOf(upstream);
    e.authScheme = req.authScheme;
    e.jwtAlg = req.jwtAlg;
    e.keyName = req.apiKeyName;
    e.scheme = this.scheme;
    e.userAgent = this.userAgent;
    e.rulesVersion = this.rules.version;
    this.hashValues(VALUE_QUERY);
    inferParams(req, e.params);
    const d = this.decision;
    e.verdict.action = d.action;
    e.verdict.mode = d.mode;
    e.verdict.policyId = d.policyId;
    e.verdict.enforced = d.enforced;
    e.verdict.status = d.enforced ? d.status : 0;
    e.verdict.reason = d.reason;
    e.verdict.direction = d.direction;
    e.scanned = this.findings;
    e.scannedRequestCount = this.requestFindingCount;
    this.countFindingTypes();
    root.metrics.verdict(d.action, d.enforced);
    root.enqueue(encodeApiEvent(e));
  }

  /**
   * One metric increment per finding type, not per finding: each increment is a hostcall. Types are
   * told apart by detector index (one rule set per exchange): an int compare, not a string one; two
   * detectors of one type would only make two increments of the same counter. Increments go in the
   * order of each detector's first finding.
   */
  private countFindingTypes(): void {
    const count = this.findings.count;
    if (count == 0) return;
    if (firstFindings.length < count) firstFindings = new StaticArray<i32>(max(count, firstFindings.length << 1));
    let firsts = 0; // firstFindings[0, firsts): the index of each detector's first finding
    for (let i = 0; i < count; i++) {
      const detector = this.findings.at(i).detector; // an index into the rule set's plans: >= 0
      if (detector >= detectorCounts.length) detectorCounts = grownCounts(detectorCounts, detector + 1);
      const n = unchecked(detectorCounts[detector]); // detector < length, grown above
      if (n == 0) unchecked((firstFindings[firsts++] = i)); // firsts <= i < count <= firstFindings.length
      unchecked((detectorCounts[detector] = n + 1));
    }
    for (let k = 0; k < firsts; k++) {
      const f = this.findings.at(unchecked(firstFindings[k]));
      this.root.metrics.finding(f.type, unchecked(detectorCounts[f.detector]));
      unchecked((detectorCounts[f.detector] = 0)); // zero again for the next exchange
    }
  }
}

/** Counts with room for `size` detectors: a new array, all zero as `counts` is between exchanges. */
function grownCounts(counts: StaticArray<i64>, size: i32): StaticArray<i64> {
  return new StaticArray<i64>(max(size, counts.length << 1));
}

/** The content type without parameters, trimmed, lower case (the header itself when it already is). */
function mediaType(contentType: string): string {
  const semi = contentType.indexOf(";");
  return lowerCaseOf((semi >= 0 ? contentType.substring(0, semi) : contentType).trim());
}

/** The configured body, or a small JSON document naming the policy. */
function blockBody(policyId: string, configured: string): string {
  if (configured.length > 0) return configured;
  return '{"error":"blocked","policy":"' + jsonEscape(policyId) + '"}';
}
