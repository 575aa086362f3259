-- Bearer tokens for the HTTP API (viewer/operator/admin) and for gateways (role `gateway`, bound
-- to one gateway id). Only the SHA-256 of a token is stored: tokens are 32 random bytes, so a
-- plain hash is enough and lookups stay one indexed equality.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  gateway_id TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL UNIQUE,
  created_at_ms BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_gateway ON api_tokens (gateway_id);
