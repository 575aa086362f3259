// A hash router: the dashboard is static files behind the control plane, so routes live after `#`
// and every page is linkable and reloadable without server rewrites.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
}

const PATTERNS: { name: string; re: RegExp; keys: string[] }[] = [
  ['overview', '/'],
  ['flows', '/flows'],
  ['exposure', '/exposure'],
  ['inventory', '/inventory'],
  ['endpoint', '/endpoints/:id'],
  ['risk', '/risk'],
  ['changes', '/changes'],
  ['rules', '/rules'],
  ['login', '/login'],
].map(([name, pattern]) => {
  const keys: string[] = [];
  const re = new RegExp(`^${pattern!.replace(/:(\w+)/g, (_m, k: string) => (keys.push(k), '([^/]+)'))}$`);
  return { name: name!, re, keys };
});

export function parseRoute(hash: string): Route & { name: string } {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', qs = ''] = raw.split('?');
  for (const p of PATTERNS) {
    const m = p.re.exec(path);
    if (m)
      return {
        name: p.name,
        path,
        params: Object.fromEntries(p.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)])),
        query: new URLSearchParams(qs),
      };
  }
  return { name: 'notfound', path, params: {}, query: new URLSearchParams(qs) };
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const navigate = (path: string) => {
  location.hash = path;
};
