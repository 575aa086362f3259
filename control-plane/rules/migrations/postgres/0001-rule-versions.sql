-- Published rule versions: immutable once inserted. `source` is the canonical JSON of the
-- RuleSource; `compiled` the protobuf RuleSet pushed to gateways (bytes kept so every replica
-- pushes exactly what was published, even after the compiler changes).
CREATE TABLE rule_versions (
  version BIGINT PRIMARY KEY,
  published_at_ms BIGINT NOT NULL,
  published_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  source TEXT NOT NULL,
  rolled_back_from BIGINT NOT NULL DEFAULT 0,
  digest TEXT NOT NULL,
  compiled BYTEA NOT NULL
);
