// Path versions (`/v1/…`, `/api/v2/…`): a path is superseded when the same path exists with a higher
// version. Used to call still-called old versions zombies.

const VERSION_SEG = /^v(\d{1,3})$/i;

// `/api/v2/users/{id}` → { version: 2, key: '/api/v*/users/{}' }; null when unversioned.
const cache = new Map<string, { version: number; key: string } | null>();

export function pathVersion(path: string): { version: number; key: string } | null {
  const hit = cache.get(path);
  if (hit !== undefined) return hit;
  const v = computePathVersion(path);
  if (cache.size >= 100_000) cache.clear();
  cache.set(path, v);
  return v;
}

function computePathVersion(path: string): { version: number; key: string } | null {
  let version: number | null = null;
  const key = path
    .split('/')
    .map((seg) => {
      const m = VERSION_SEG.exec(seg);
      if (m && version === null) {
        version = Number(m[1]);
        return 'v*';
      }
      return /^\{[^}]*\}$/.test(seg) ? '{}' : seg;
    })
    .join('/');
  return version === null ? null : { version, key };
}

/** For each versioned path, the highest version seen of the same path. */
export function latestVersions(paths: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of paths) {
    const v = pathVersion(p);
    if (v && v.version > (out.get(v.key) ?? -1)) out.set(v.key, v.version);
  }
  return out;
}

/** The newer version number superseding `path`, or null. */
export function supersededBy(path: string, latest: Map<string, number>): number | null {
  const v = pathVersion(path);
  if (!v) return null;
  const newest = latest.get(v.key) ?? v.version;
  return newest > v.version ? newest : null;
}
