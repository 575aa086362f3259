// Learns path templates from concrete paths, per host, in a bounded tree of segments.
//
// - A segment with a value kind (segment-kind.ts) becomes a parameter at once.
// - Other segments stay static until their position has taken more than `maxStaticChildren`
//   distinct values; then the position is a parameter (`{product}`) and the values seen so far are
//   folded into it, except "sticky" siblings that carry a real share of the traffic (`/users/me`,
//   `/users/search`), which keep their own endpoint.
// - Memory is bounded: nodes per host, hosts and depth all have a budget; past it, the rest of a
//   path is summarised as `{*}` under the deepest known prefix, so a flood of random paths maps to
//   a handful of templates instead of one per path.
// - Folding reports every template that changed (`from` → `to`) so the inventory can re-key the
//   endpoints it already stored while keeping their ids.
//
// Pure: no I/O, no clock. The posture engineer's offline `palisade discover` runs it on logs.
import { paramName } from './param-name.ts';
import { segmentKind, type SegmentKind } from './segment-kind.ts';

export interface TemplaterLimits {
  /** Distinct static values a position may take before it becomes a parameter (default 24). */
  maxStaticChildren: number;
  /** A sibling keeps its static segment when it has at least this many hits … (default 5) */
  stickyMinHits: number;
  /** … and at least this multiple of the average hits of its siblings (default 2). */
  stickyFactor: number;
  /** Tree nodes per host (default 20 000). */
  maxNodesPerHost: number;
  /** Hosts tracked (default 10 000); more are reported under the host `(other)`. */
  maxHosts: number;
  /** Segments templated (default 24); deeper ones become `{*}`. */
  maxDepth: number;
}

export const DEFAULT_TEMPLATER_LIMITS: TemplaterLimits = {
  maxStaticChildren: 24,
  stickyMinHits: 5,
  stickyFactor: 2,
  maxNodesPerHost: 20_000,
  maxHosts: 10_000,
  maxDepth: 24,
};

export const OVERFLOW_HOST = '(other)';
export const REST = '{*}';

export interface Retemplate {
  host: string;
  from: string;
  to: string;
}

interface Node {
  statics: Map<string, Node>;
  param: Node | null;
  /** Name of this node when it is a parameter node. */
  name: string;
  hits: number;
  /** A path ended here: this node is (part of) an endpoint template. */
  terminal: boolean;
  /** This position took too many values: unknown segments go to `param`. */
  collapsed: boolean;
  /**
   * The template of a path ending here, valid while `templateFold` is its tree's `folds` (a fold
   * moves nodes, so every template after it is written again once): the same string each time,
   * whose hash the maps keyed by it compute once.
   */
  template: string;
  templateFold: number;
}

interface HostTree {
  root: Node;
  nodes: number;
  /** Folds so far (see Node.template). */
  folds: number;
}

const VALUE_NAME = /(Id|Date|Email|Msisdn|Imei)\d*$|^(id|date|email|msisdn|imei)\d*$/;

const newNode = (name = ''): Node => ({
  statics: new Map(),
  param: null,
  name,
  hits: 0,
  terminal: false,
  collapsed: false,
  template: '',
  templateFold: -1,
});

/** Splits a raw path into segments: no query, no empty segments, bounded length. */
export function splitPath(path: string): string[] {
  // One scan instead of a search, a split and a filter: this runs for every ingested event.
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 0x2f;
    if (c !== 0x2f && c !== 0x3f && c !== 0x23) continue; // '/', '?', '#'
    if (i > start && !(i === start + 1 && path.charCodeAt(start) === 0x2e)) out.push(path.slice(start, i)); // not '.'
    if (c !== 0x2f) break;
    start = i + 1;
  }
  return out;
}

export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) h = h.slice(0, h.indexOf(']') + 1 || undefined);
  else if (h.indexOf(':') === h.lastIndexOf(':')) h = h.replace(/:\d*$/, '');
  if (h.length === 0) return '(none)';
  if (h.length > 253 || !/^[a-z0-9.\-_[\]:]+$/.test(h)) return '(invalid)';
  return h;
}

export class PathTemplater {
  readonly limits: TemplaterLimits;
  private readonly hosts = new Map<string, HostTree>();
  private changes: Retemplate[] = [];
  /** Raw `:authority` → normalised host, bounded (cleared when full). */
  private readonly hostCache = new Map<string, string>();

  constructor(limits: Partial<TemplaterLimits> = {}) {
    this.limits = { ...DEFAULT_TEMPLATER_LIMITS, ...limits };
  }

  /** Host key the templater files `host` under (normalised, or OVERFLOW_HOST past the budget). */
  hostKey(host: string): string {
    let h = this.hostCache.get(host);
    if (h === undefined) {
      h = normaliseHost(host);
      if (this.hostCache.size >= 4096) this.hostCache.clear();
      this.hostCache.set(host, h);
    }
    if (this.hosts.has(h) || this.hosts.size < this.limits.maxHosts) return h;
    return OVERFLOW_HOST;
  }

  /** Learns from one request path and returns its template (`/v1/users/{userId}`). */
  template(host: string, path: string): { host: string; template: string } {
    const hostKey = this.hostKey(host);
    const tree = this.tree(hostKey);
    const segs = splitPath(path);
    const out: string[] = [];
    const taken = new Set<string>();
    let node = tree.root;
    let rest = false;
    node.hits++;
    for (let i = 0; i < segs.length; i++) {
      if (i >= this.limits.maxDepth) {
        rest = true;
        break;
      }
      const seg = segs[i]!.length > 200 ? segs[i]!.slice(0, 200) : segs[i]!;
      const prev = i > 0 && !out[i - 1]!.startsWith('{') ? out[i - 1]! : null;
      const next = this.step(tree, hostKey, node, seg, prev, taken, out);
      if (!next) {
        rest = true;
        break;
      }
      node = next;
      node.hits++;
    }
    node.terminal = true;
    if (rest) {
      out.push(REST);
      return { host: hostKey, template: '/' + out.join('/') };
    }
    if (node.templateFold !== tree.folds) {
      node.template = '/' + out.join('/');
      node.templateFold = tree.folds;
    }
    return { host: hostKey, template: node.template };
  }

  /** Whether folding changed templates that takeRetemplates has not handed out yet. */
  hasRetemplates(): boolean {
    return this.changes.length > 0;
  }

  /** Templates changed by folding since the last call (oldest first). */
  takeRetemplates(): Retemplate[] {
    const c = this.changes;
    this.changes = [];
    return c;
  }

  /**
   * Seeds the tree with templates already in the inventory (e.g. at start), so learned positions
   * survive a restart: `{name}` segments become parameter nodes.
   */
  seed(host: string, template: string): void {
    const tree = this.tree(this.hostKey(host));
    let node = tree.root;
    for (const seg of splitPath(template)) {
      if (seg === REST) break;
      let next: Node | null | undefined;
      if (seg.startsWith('{') && seg.endsWith('}')) {
        if (!node.param && this.grow(tree)) node.param = newNode(seg.slice(1, -1));
        next = node.param;
        // A parameter learned by folding (`{product}`) keeps swallowing unknown values after a
        // restart; one named for a value kind (`{userId}`) still lets new static siblings in.
        if (next && !VALUE_NAME.test(next.name)) node.collapsed = true;
      } else {
        next = node.statics.get(seg);
        if (!next && this.grow(tree)) node.statics.set(seg, (next = newNode()));
      }
      if (!next) return;
      node = next;
    }
    node.terminal = true;
  }

  /** Nodes across hosts (for memory accounting and tests). */
  size(): { hosts: number; nodes: number } {
    let nodes = 0;
    for (const t of this.hosts.values()) nodes += t.nodes;
    return { hosts: this.hosts.size, nodes };
  }

  private tree(hostKey: string): HostTree {
    let t = this.hosts.get(hostKey);
    if (!t) this.hosts.set(hostKey, (t = { root: newNode(), nodes: 1, folds: 0 }));
    return t;
  }

  private grow(tree: HostTree): boolean {
    if (tree.nodes >= this.limits.maxNodesPerHost) return false;
    tree.nodes++;
    return true;
  }

  private paramChild(tree: HostTree, node: Node, kind: SegmentKind | 'slug', prev: string | null, taken: Set<string>): Node | null {
    if (node.param) return node.param;
    if (!this.grow(tree)) return null;
    node.param = newNode(paramName(kind, prev, taken));
    return node.param;
  }

  private step(
    tree: HostTree,
    hostKey: string,
    node: Node,
    seg: string,
    prev: string | null,
    taken: Set<string>,
    out: string[],
  ): Node | null {
    const existing = node.statics.get(seg);
    if (existing) {
      out.push(seg);
      return existing;
    }
    const kind = segmentKind(seg);
    if (kind || node.collapsed) {
      const p = this.paramChild(tree, node, kind ?? 'slug', prev, taken);
      if (!p) return null;
      taken.add(p.name);
      out.push(`{${p.name}}`);
      return p;
    }
    if (!this.grow(tree)) {
      // Budget spent: an unknown value can still go to an existing parameter at this position.
      if (!node.param) return null;
      taken.add(node.param.name);
      out.push(`{${node.param.name}}`);
      return node.param;
    }
    const child = newNode();
    node.statics.set(seg, child);
    if (node.statics.size <= this.limits.maxStaticChildren) {
      out.push(seg);
      return child;
    }
    // This position takes too many values: fold it. Count this request on the new static first
    // so a first-time value is never mistaken for a sticky sibling.
    this.fold(tree, hostKey, node, '/' + out.join('/'), prev, taken, true);
    const after = node.statics.get(seg) ?? node.param!;
    if (after === node.param) {
      taken.add(after.name);
      out.push(`{${after.name}}`);
    } else out.push(seg);
    return after;
  }

  /** Turns `node`'s non-sticky static children into its parameter child, merging subtrees. */
  private fold(
    tree: HostTree,
    hostKey: string,
    node: Node,
    prefix: string,
    prev: string | null,
    taken: Set<string>,
    record: boolean,
  ): void {
    tree.folds++;
    // Nested folds (inside a merge) are covered by the outermost fold's before/after comparison.
    const before = record ? collectTerminals(node, prefix === '/' ? '' : prefix) : [];
    const children = [...node.statics.entries()];
    const mean = children.reduce((a, [, c]) => a + c.hits, 0) / Math.max(1, children.length);
    const sticky = new Set(
      children.filter(([, c]) => c.hits >= this.limits.stickyMinHits && c.hits >= this.limits.stickyFactor * mean).map(([s]) => s),
    );
    if (!node.param) {
      node.param = newNode(paramName('slug', prev, taken));
      tree.nodes++;
    }
    node.collapsed = true;
    for (const [seg, child] of children) {
      if (sticky.has(seg)) continue;
      node.statics.delete(seg);
      this.merge(tree, node.param, child);
    }
    for (const from of before) {
      const to = this.lookup(node, prefix === '/' ? '' : prefix, from);
      if (to && to !== from) this.changes.push({ host: hostKey, from, to });
    }
  }

  /** Folds `src` into `dst` (counts and children), releasing the nodes it no longer needs. */
  private merge(tree: HostTree, dst: Node, src: Node): void {
    dst.hits += src.hits;
    dst.terminal = dst.terminal || src.terminal;
    tree.nodes--; // src itself is gone
    if (src.param) {
      if (dst.param) this.merge(tree, dst.param, src.param);
      else dst.param = src.param;
    }
    dst.collapsed = dst.collapsed || src.collapsed;
    for (const [seg, child] of src.statics) {
      const twin = dst.statics.get(seg);
      if (twin) this.merge(tree, twin, child);
      else if (dst.collapsed && dst.param) this.merge(tree, dst.param, child);
      else dst.statics.set(seg, child);
    }
    if (dst.statics.size > this.limits.maxStaticChildren) this.fold(tree, '', dst, '', null, new Set(), false);
  }

  /** Where an old template (under `prefix`, rooted at `node`) lands now, without learning. */
  private lookup(node: Node, prefix: string, oldTemplate: string): string | null {
    const rest = splitPath(oldTemplate.slice(prefix.length));
    const out = splitPath(prefix);
    let n: Node = node;
    for (const seg of rest) {
      if (seg === REST) {
        out.push(REST);
        break;
      }
      const isParam = seg.startsWith('{') && seg.endsWith('}');
      const s = isParam ? undefined : n.statics.get(seg);
      if (s) {
        out.push(seg);
        n = s;
      } else if (n.param) {
        out.push(`{${n.param.name}}`);
        n = n.param;
      } else return null;
    }
    return '/' + out.join('/');
  }
}

/** Every template ending at or under `node`, with `prefix` as the path to `node`. */
function collectTerminals(node: Node, prefix: string, out: string[] = [], depth = 0): string[] {
  if (node.terminal && depth > 0) out.push(prefix || '/');
  for (const [seg, child] of node.statics) collectTerminals(child, `${prefix}/${seg}`, out, depth + 1);
  if (node.param) collectTerminals(node.param, `${prefix}/{${node.param.name}}`, out, depth + 1);
  return out;
}

/** Stateless classification only (no learning): for one-off use and the offline CLI's first pass. */
export function templatePathOnce(path: string): string {
  const out: string[] = [];
  const taken = new Set<string>();
  for (const seg of splitPath(path)) {
    const kind = segmentKind(seg);
    if (!kind) {
      out.push(seg);
      continue;
    }
    const prev = out.length && !out[out.length - 1]!.startsWith('{') ? out[out.length - 1]! : null;
    const name = paramName(kind, prev, taken);
    taken.add(name);
    out.push(`{${name}}`);
  }
  return '/' + out.join('/');
}
