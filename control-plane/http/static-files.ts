// Serves a built single-page app from one directory: exact files with a content type and caching
// that suits hashed assets, and index.html for every other page path (client-side routes). A
// request path is decoded once, must stay inside the directory after normalisation (no `..`, no
// encoded slashes or NUL, no symlink escape) and is never used to list a directory.
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import type { ReadStream } from 'node:fs';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export interface StaticFile {
  path: string;
  size: number;
  contentType: string;
  /** Cache-Control: Vite's hashed assets never change; everything else is revalidated. */
  cacheControl: string;
  open(): ReadStream;
}

export type StaticLookup = { kind: 'file'; file: StaticFile } | { kind: 'bad-path' } | { kind: 'missing' };

export interface StaticSite {
  readonly root: string;
  /** What to answer for a URL path (without the query string). */
  lookup(urlPath: string): StaticLookup;
}

function fileAt(path: string, immutable: boolean): StaticFile {
  const size = statSync(path).size;
  return {
    path,
    size,
    contentType: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    cacheControl: immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    open: () => createReadStream(path),
  };
}

/** Null when `dir` has no index.html (nothing built): the control plane then serves only the API. */
export function staticSite(dir: string): StaticSite | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const root = realpathSync(dir);
  const index = join(root, 'index.html');
  return {
    root,
    lookup(urlPath) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(urlPath);
      } catch {
        return { kind: 'bad-path' };
      }
      if (decoded.includes('\0') || decoded.includes('\\') || /%2f|%5c/i.test(urlPath)) return { kind: 'bad-path' };
      const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
      if (parts.some((p) => p === '..')) return { kind: 'bad-path' };
      if (parts.length === 0) return { kind: 'file', file: fileAt(index, false) };
      const candidate = join(root, ...parts);
      if (existsSync(candidate)) {
        const real = realpathSync(candidate);
        if (!real.startsWith(root + sep)) return { kind: 'bad-path' };
        if (statSync(real).isFile()) return { kind: 'file', file: fileAt(real, parts[0] === 'assets') };
      }
      // A missing asset is a 404 (a stale page asking for an old bundle must not get HTML back);
      // any other path is a client-side route of the app.
      if (parts[0] === 'assets' || extname(parts[parts.length - 1]!) !== '') return { kind: 'missing' };
      return { kind: 'file', file: fileAt(index, false) };
    },
  };
}
