// Headers that belong to HTTP, proxies or authentication rather than to an API's contract. OpenAPI
// 3.x §4.8.12.1 says `Accept`, `Content-Type` and `Authorization` header parameters are ignored; the
// rest are added by clients, CDNs and meshes, so listing them would make every generated spec noisy
// and every conformance check report them as undocumented.
const INFRA = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'authorization',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'cookie',
  'dnt',
  'expect',
  'forwarded',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'keep-alive',
  'origin',
  'pragma',
  'proxy-authorization',
  'referer',
  'te',
  'traceparent',
  'tracestate',
  'transfer-encoding',
  'upgrade',
  'upgrade-insecure-requests',
  'user-agent',
  'via',
  'x-amzn-trace-id',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-sampled',
  'x-envoy-expected-rq-timeout-ms',
  'x-real-ip',
  'x-request-id',
]);

/** True for headers that are never part of an API's documented parameters. */
export function isInfrastructureHeader(name: string): boolean {
  const n = name.toLowerCase();
  return INFRA.has(n) || n.startsWith(':') || n.startsWith('sec-') || n.startsWith('x-forwarded-') || n.startsWith('x-envoy-');
}
