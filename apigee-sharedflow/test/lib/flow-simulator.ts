// Executes the bundle's sharedflows/default.xml the way Apigee would for the policy types it uses
// (KeyValueMapOperations, LookupCache, PopulateCache, ServiceCallout over real HTTP, Javascript in
// Node or real Rhino, SpikeArrest, Quota, RaiseFault), with an in-memory environment cache, KVM
// and rate counters on a controllable clock. The policies' XML is read from the bundle (customised
// like a deployment), so a wrong condition, variable or policy name fails here.
import { join } from 'node:path';
import { bundleFiles, type BundleOptions } from '../../tools/bundle.ts';
import { DOUBLES, jscDir, PATHS, realDetection } from './bundle-fixture.ts';
import { evaluateCondition } from './condition.ts';
import type { MessageState, PolicyRunner, PolicyState, SentRequest } from './policy-runner.ts';

export interface Fault {
  status: number;
  body: string;
  headers: Record<string, string>;
  policy: string;
}

export interface CalloutRecord {
  url: string;
  headers: Record<string, string>;
  status: number | null;
}

export class ApigeeEnvironment {
  now = 1_767_225_600_000;
  readonly cache = new Map<string, { value: string; expires: number }>();
  readonly kvm = new Map<string, string>();
  readonly counters = new Map<string, { window: number; count: number }>();
  readonly callouts: CalloutRecord[] = [];
  readonly reports: SentRequest[] = [];
  /** What the report URLs answered (status and body), in delivery order. */
  readonly delivered: { url: string; status: number; body: string }[] = [];
  readonly deliveries: Promise<void>[] = [];
  calloutTimeoutMs = 2000;
  private readonly xml: Map<string, string>;

  constructor(
    readonly runner: PolicyRunner,
    options: BundleOptions,
    readonly doubles: string[] = [],
  ) {
    // A generous timeLimit unless a test sets one: the shipped 250 ms (budget 150 ms) is about
    // Apigee's message processors, not this shared test machine; bundle.test.ts checks the XML.
    this.xml = bundleFiles(PATHS, { timeLimitMs: 60_000, ...options }).files;
  }

  policyXml(name: string): string {
    const text = this.xml.get(`policies/${name}.xml`);
    if (text === undefined) throw new Error(`no policy ${name}`);
    return text;
  }

  steps(): { name: string; condition: string | null }[] {
    const flow = this.xml.get('sharedflows/default.xml') ?? '';
    return [...flow.matchAll(/<Step>\s*<Name>([^<]+)<\/Name>(?:\s*<Condition>([^<]+)<\/Condition>)?\s*<\/Step>/g)].map((m) => ({
      name: m[1]!,
      condition: m[2] ? unescapeXml(m[2]) : null,
    }));
  }

  /** Waits until every report the policies handed to httpClient reached its URL. */
  async flushReports(): Promise<void> {
    await Promise.all(this.deliveries.splice(0));
  }
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const tag = (xml: string, name: string): string | null => new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml)?.[1] ?? null;
const attr = (xml: string, element: string, name: string): string | null =>
  new RegExp(`<${element}\\b[^>]*\\b${name}="([^"]*)"`).exec(xml)?.[1] ?? null;

function cacheKey(xml: string): string {
  const prefix = tag(xml, 'Prefix') ?? '';
  const fragments = [...xml.matchAll(/<KeyFragment>([^<]*)<\/KeyFragment>/g)].map((m) => m[1]);
  return [prefix, ...fragments].join('__');
}

function template(text: string, lookup: (n: string) => unknown): string {
  return text.replace(/\{([^{}]+)\}/g, (_m, name: string) => {
    const v = lookup(name);
    return v === null || v === undefined ? '' : String(v);
  });
}

export interface FlowResult {
  state: PolicyState;
  fault: Fault | null;
  executed: string[];
}

/** Runs the shared flow once (one flow-hook pass) over `state`. */
export async function runSharedFlow(env: ApigeeEnvironment, input: PolicyState): Promise<FlowResult> {
  let state = input;
  const executed: string[] = [];
  const lookup = (name: string): unknown => {
    if (name === 'response.status.code') return state.response?.status ?? null;
    return state.variables[name] ?? null;
  };
  for (const step of env.steps()) {
    if (step.condition !== null && !evaluateCondition(step.condition, lookup)) continue;
    executed.push(step.name);
    const xml = env.policyXml(step.name);
    const type = /^<(\w+)/.exec(xml)?.[1];
    switch (type) {
      case 'KeyValueMapOperations': {
        for (const get of xml.matchAll(/<Get assignTo="([^"]+)">[\s\S]*?<Parameter>([^<]+)<\/Parameter>/g)) {
          const value = env.kvm.get(get[2]!);
          if (value !== undefined) state.variables[get[1]!] = value;
        }
        break;
      }
      case 'LookupCache': {
        const hit = env.cache.get(cacheKey(xml));
        const fresh = hit !== undefined && hit.expires > env.now;
        state.variables[`lookupcache.${step.name}.cachehit`] = fresh;
        if (fresh) state.variables[tag(xml, 'AssignTo')!] = hit.value;
        break;
      }
      case 'PopulateCache': {
        const value = state.variables[tag(xml, 'Source')!];
        if (value === null || value === undefined) break;
        const ref = attr(xml, 'TimeoutInSeconds', 'ref');
        const ttl = Number((ref && state.variables[ref]) ?? tag(xml, 'TimeoutInSeconds'));
        env.cache.set(cacheKey(xml), { value: String(value), expires: env.now + ttl * 1000 });
        break;
      }
      case 'ServiceCallout': {
        const url = tag(xml, 'URL')!;
        const headers: Record<string, string> = {};
        for (const m of xml.matchAll(/<Header name="([^"]+)">([^<]*)<\/Header>/g)) headers[m[1]!] = template(m[2]!, lookup);
        const target = tag(xml, 'Response')!;
        delete state.variables[target];
        let status: number | null = null;
        try {
          const res = await fetch(url, { headers, signal: AbortSignal.timeout(env.calloutTimeoutMs) });
          status = res.status;
          state.variables[target] = { status: res.status, content: await res.text(), headers: [...res.headers.entries()] };
        } catch {
          // Connection refused or timeout: with continueOnError the flow goes on, no response.
          if (attr(xml, 'ServiceCallout', 'continueOnError') !== 'true') {
            return { state, fault: { status: 500, body: 'ServiceCallout failed', headers: {}, policy: step.name }, executed };
          }
        }
        env.callouts.push({ url, headers, status });
        break;
      }
      case 'Javascript': {
        const includes = [...xml.matchAll(/<IncludeURL>jsc:\/\/([^<]+)<\/IncludeURL>/g)].map((m) => join(jscDir(), m[1]!));
        const main = join(jscDir(), /<ResourceURL>jsc:\/\/([^<]+)<\/ResourceURL>/.exec(xml)![1]!);
        const doubles = [...(realDetection() ? [] : [DOUBLES.fakeDetect]), ...env.doubles];
        state.properties = {};
        for (const m of xml.matchAll(/<Property name="([^"]+)">([^<]*)<\/Property>/g)) state.properties[m[1]!] = unescapeXml(m[2]!);
        state.variables['system.timestamp'] = String(env.now);
        const sentBefore = state.sent.length;
        const r = await env.runner.run([...includes, ...doubles, main], state);
        state = r.state;
        for (const sent of state.sent.slice(sentBefore)) deliver(env, sent);
        if (r.error !== null && attr(xml, 'Javascript', 'continueOnError') !== 'true') {
          return { state, fault: { status: 500, body: 'JavaScript execution failed', headers: {}, policy: step.name }, executed };
        }
        break;
      }
      case 'SpikeArrest':
      case 'Quota': {
        const id = String(state.variables[attr(xml, 'Identifier', 'ref')!] ?? '');
        let limit: number;
        let windowMs: number;
        if (type === 'SpikeArrest') {
          const rate = String(state.variables[attr(xml, 'Rate', 'ref')!] ?? tag(xml, 'Rate'));
          const m = /^(\d+)p([sm])$/.exec(rate);
          if (!m) throw new Error(`SpikeArrest rate ${rate}`);
          limit = Number(m[1]);
          windowMs = m[2] === 's' ? 1000 : 60_000;
        } else {
          limit = Number(state.variables[attr(xml, 'Allow', 'countRef')!] ?? attr(xml, 'Allow', 'count'));
          const interval = Number(state.variables[attr(xml, 'Interval', 'ref')!] ?? tag(xml, 'Interval'));
          const unit = String(state.variables[attr(xml, 'TimeUnit', 'ref')!] ?? tag(xml, 'TimeUnit'));
          const unitMs = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 }[unit];
          if (!unitMs || !(interval > 0) || !(limit > 0)) throw new Error(`Quota ${limit}/${interval} ${unit}`);
          windowMs = interval * unitMs;
        }
        const key = `${step.name}|${id}`;
        const window = Math.floor(env.now / windowMs);
        const c = env.counters.get(key);
        const count = c && c.window === window ? c.count + 1 : 1;
        env.counters.set(key, { window, count });
        state.variables[`ratelimit.${step.name}.failed`] = count > limit;
        break;
      }
      case 'RaiseFault': {
        const headers: Record<string, string> = {};
        for (const m of xml.matchAll(/<Header name="([^"]+)">([^<]*)<\/Header>/g)) headers[m[1]!] = template(m[2]!, lookup);
        return {
          state,
          fault: {
            status: Number(template(tag(xml, 'StatusCode') ?? '500', lookup)),
            body: template(tag(xml, 'Payload') ?? '', lookup),
            headers,
            policy: step.name,
          },
          executed,
        };
      }
      default:
        throw new Error(`the simulator does not know policy type ${type} (${step.name})`);
    }
  }
  return { state, fault: null, executed };
}

// httpClient.send was fire-and-forget for the policy; the environment delivers it afterwards.
function deliver(env: ApigeeEnvironment, sent: SentRequest): void {
  env.reports.push(sent);
  env.deliveries.push(
    fetch(sent.url, { method: sent.method, headers: sent.headers, ...(sent.body !== null ? { body: sent.body } : {}) }).then(
      async (r) => void env.delivered.push({ url: sent.url, status: r.status, body: await r.text() }),
      () => void env.delivered.push({ url: sent.url, status: 0, body: '' }),
    ),
  );
}

export interface ExchangeResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  request: FlowResult;
  response: FlowResult | null;
}

/**
 * One API call through a proxy with the shared flow on PreProxyFlowHook and PostProxyFlowHook:
 * request pass, then (unless it raised a fault) the target's answer through the response pass.
 */
export async function exchange(
  env: ApigeeEnvironment,
  request: MessageState,
  target: { status: number; headers: [string, string][]; content: string },
): Promise<ExchangeResult> {
  const state: PolicyState = {
    variables: {
      'client.received.start.timestamp': String(env.now),
      messageid: `rrt-${env.now}-${Math.random().toString(16).slice(2)}`,
      'client.scheme': 'https',
    },
    properties: {},
    request,
    response: null,
    sent: [],
    printed: [],
  };
  const req = await runSharedFlow(env, state);
  if (req.fault) return { status: req.fault.status, body: req.fault.body, headers: req.fault.headers, request: req, response: null };
  req.state.response = { status: target.status, headers: [...target.headers], content: target.content };
  const res = await runSharedFlow(env, req.state);
  if (res.fault) return { status: res.fault.status, body: res.fault.body, headers: res.fault.headers, request: req, response: res };
  const out = res.state.response!;
  return { status: out.status ?? 0, body: out.content ?? '', headers: Object.fromEntries(out.headers), request: req, response: res };
}
