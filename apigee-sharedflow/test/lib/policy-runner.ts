// Runs the bundled policy JavaScript against the Apigee-like object model
// (test/rhino/apigee-object-model.js), in real Rhino (one long-lived `rhino` process fed one job
// per line) or in Node's vm (fast). Both runtimes get the same job and give back the same
// result shape, so every test can run on both.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const FLOW_DIR = fileURLToPath(new URL('../..', import.meta.url));
const MODEL = join(FLOW_DIR, 'test', 'rhino', 'apigee-object-model.js');
const DRIVER = join(FLOW_DIR, 'test', 'rhino', 'apigee-rhino-driver.js');

export interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  waited: boolean;
  callback: boolean;
}

export interface MessageState {
  verb?: string;
  path?: string;
  querystring?: string;
  headers: [string, string][];
  content?: string | null;
  clientIp?: string;
  status?: number;
}

export interface PolicyState {
  variables: Record<string, unknown>;
  properties: Record<string, string>;
  request: MessageState;
  response: MessageState | null;
  sent: SentRequest[];
  printed: string[];
}

export interface PolicyResult {
  state: PolicyState;
  error: string | null;
  elapsedMs: number;
  /** CPU time the run took (Rhino: the running thread's; Node: the process's). */
  cpuMs: number;
  /** Rhino: CPU time spent compiling scripts this run used for the first time (not in elapsedMs / cpuMs). */
  compileMs?: number;
}

export interface RunOptions {
  /**
   * Profiling only: a global `profileClock()` giving the running thread's CPU time in ns (`cpu`) or,
   * in interpreted Rhino, the interpreter's instruction count (`ops`).
   */
  profileClock?: 'cpu' | 'ops';
}

export interface PolicyRunner {
  readonly name: 'rhino' | 'node';
  /** Runs `files` (paths, in order) in one fresh scope over `state`; returns the new state. */
  run(files: string[], state: PolicyState, options?: RunOptions): Promise<PolicyResult>;
  close(): Promise<void>;
}

export function createNodeRunner(): PolicyRunner {
  const host = vm.createContext({});
  vm.runInContext(readFileSync(MODEL, 'utf8'), host, { filename: MODEL });
  const scripts = new Map<string, vm.Script>();
  const script = (path: string) => {
    let s = scripts.get(path);
    if (!s) {
      s = new vm.Script(readFileSync(path, 'utf8'), { filename: path });
      scripts.set(path, s);
    }
    return s;
  };
  return {
    name: 'node',
    async run(files, input, options = {}) {
      // A JSON round trip, as for Rhino: the policy sees only plain data.
      const state = JSON.parse(JSON.stringify(input)) as PolicyState;
      const model = vm.runInContext('ApigeeObjectModel', host).create(state, (s: string) => new String(s));
      const sandbox = vm.createContext({});
      for (const name of ['context', 'request', 'response', 'httpClient', 'Request', 'properties', 'print']) {
        if (model[name] !== undefined) sandbox[name] = model[name];
      }
      if (options.profileClock) sandbox.profileClock = () => Number(process.cpuUsage().user) * 1000;
      let error: string | null = null;
      const cpuStarted = process.cpuUsage();
      const started = process.hrtime.bigint();
      try {
        for (const f of files) script(f).runInContext(sandbox);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = process.cpuUsage(cpuStarted);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      return { state: JSON.parse(JSON.stringify(state)) as PolicyState, error, elapsedMs, cpuMs };
    },
    async close() {},
  };
}

/** `options`: extra rhino shell options, e.g. `['-opt', '-1']` for the interpreter instead of compiled classes. */
export function createRhinoRunner(command = 'rhino', options: string[] = []): PolicyRunner {
  const child: ChildProcessWithoutNullStreams = spawn(command, [...options, '-f', MODEL, '-f', DRIVER], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  let stderr = '';
  let exited: string | null = null;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  lines.on('line', (line) => waiting.shift()?.(line));
  child.on('exit', (code) => {
    exited = `rhino exited ${code}: ${stderr.slice(-2000)}`;
    for (const w of waiting.splice(0)) w(JSON.stringify({ error: exited, state: null, elapsedMs: 0, cpuMs: 0 }));
  });
  let nextId = 0;
  return {
    name: 'rhino',
    run(files, state, options = {}) {
      if (exited) return Promise.reject(new Error(exited));
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.push((line) => {
          const r = JSON.parse(line) as PolicyResult & { id: number | null };
          if (r.state === null) reject(new Error(r.error ?? 'rhino driver failed'));
          else resolve({ state: r.state, error: r.error, elapsedMs: r.elapsedMs, cpuMs: r.cpuMs, compileMs: r.compileMs });
        });
        child.stdin.write(`${JSON.stringify({ id, files, state, profileClock: options.profileClock ?? null })}\n`);
      });
    },
    close() {
      return new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      });
    },
  };
}

/** A request-phase state with sensible Apigee defaults; override what a test is about. */
export function requestState(over: Partial<MessageState> = {}, variables: Record<string, unknown> = {}): PolicyState {
  return {
    variables: {
      'system.timestamp': '1767225600000',
      'client.received.start.timestamp': '1767225600000',
      messageid: 'rrt-test-1',
      'client.scheme': 'https',
      ...variables,
    },
    properties: {
      gatewayId: 'apigee-test',
      reportUrl: 'https://cp.test/v1/reports',
      failureMode: 'open',
      // Room for this shared 2-core machine, where preparing the built-in tables alone can take
      // longer than the shipped 150 ms; the time budget has its own tests with their own values.
      timeBudgetMs: '60000',
    },
    request: {
      verb: 'GET',
      path: '/v1/items',
      querystring: '',
      headers: [['Host', 'api.example.com']],
      content: null,
      clientIp: '203.0.113.7',
      ...over,
    },
    response: null,
    sent: [],
    printed: [],
  };
}
