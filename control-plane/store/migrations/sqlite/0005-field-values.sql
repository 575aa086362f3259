-- Enums from runtime (docs/posture.md): per parameter / body field, at most 16 distinct keyed hashes
-- of token-like values (never the values themselves) with how often each was seen and a 32-bit
-- bitmap of the clients that sent it (bit = FNV of the client address mod 32: a lower bound on
-- distinct clients). `value` is filled only once the hash was released to the gateways (seen from
-- k distinct clients) and a gateway reported it. A field with more distinct hashes keeps one row
-- with value_hash '*' instead: high-cardinality, nothing of it is ever released.
CREATE TABLE field_values (
  endpoint_id TEXT NOT NULL,
  location TEXT NOT NULL,
  name TEXT NOT NULL,
  value_hash TEXT NOT NULL,
  count BIGINT NOT NULL DEFAULT 0,
  clients BIGINT NOT NULL DEFAULT 0,
  value TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (endpoint_id, location, name, value_hash)
);
