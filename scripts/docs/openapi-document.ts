// Fetches the OpenAPI document the way a client sees it: starts a control plane on SQLite in a
// temporary directory (ports chosen by the OS), reads GET /v1/openapi.json, stops it. The
// document is built from the routes as registered, so no list of routes is kept anywhere else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../../control-plane/app.ts';
import { EMPTY_DETECTION_ENGINE } from '../../control-plane/rules/compile-rule-set.ts';
import type { OpenApiDocument } from './api-reference-markdown.ts';

export async function fetchOpenApiDocument(): Promise<OpenApiDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-api-reference-'));
  // Detectors do not change the document; skipping their compilation saves seconds.
  const cp = await startControlPlane(
    { dataDir: dir, grpc: { host: '127.0.0.1', port: 0 }, http: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' } },
    { detectionEngine: EMPTY_DETECTION_ENGINE },
  );
  try {
    const res = await fetch(cp.httpUrl + '/v1/openapi.json');
    if (res.status !== 200) throw new Error(`GET /v1/openapi.json answered ${res.status}`);
    return (await res.json()) as OpenApiDocument;
  } finally {
    await cp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
