-- Store core tables (PostgreSQL). Raw events are range-partitioned by day of received_ms (the
-- server clock, so a gateway's bad clock cannot create partitions); retention drops partitions.
-- Partitions are created by the store ahead of the days it writes.
CREATE TABLE ingested_batches (
  gateway_id TEXT NOT NULL,
  boot_id TEXT NOT NULL,
  sequence TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  event_count INTEGER NOT NULL,
  PRIMARY KEY (gateway_id, boot_id, sequence)
);
CREATE INDEX ingested_batches_received ON ingested_batches (received_ms);

CREATE TABLE endpoints (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path_template TEXT NOT NULL,
  first_seen_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  requests BIGINT NOT NULL DEFAULT 0,
  s0xx BIGINT NOT NULL DEFAULT 0,
  s1xx BIGINT NOT NULL DEFAULT 0,
  s2xx BIGINT NOT NULL DEFAULT 0,
  s3xx BIGINT NOT NULL DEFAULT 0,
  s4xx BIGINT NOT NULL DEFAULT 0,
  s5xx BIGINT NOT NULL DEFAULT 0,
  lat_00 BIGINT NOT NULL DEFAULT 0,
  lat_01 BIGINT NOT NULL DEFAULT 0,
  lat_02 BIGINT NOT NULL DEFAULT 0,
  lat_03 BIGINT NOT NULL DEFAULT 0,
  lat_04 BIGINT NOT NULL DEFAULT 0,
  lat_05 BIGINT NOT NULL DEFAULT 0,
  lat_06 BIGINT NOT NULL DEFAULT 0,
  lat_07 BIGINT NOT NULL DEFAULT 0,
  lat_08 BIGINT NOT NULL DEFAULT 0,
  lat_09 BIGINT NOT NULL DEFAULT 0,
  lat_10 BIGINT NOT NULL DEFAULT 0,
  lat_11 BIGINT NOT NULL DEFAULT 0,
  lat_12 BIGINT NOT NULL DEFAULT 0,
  lat_13 BIGINT NOT NULL DEFAULT 0,
  lat_14 BIGINT NOT NULL DEFAULT 0,
  lat_15 BIGINT NOT NULL DEFAULT 0,
  auth_mask INTEGER NOT NULL DEFAULT 0,
  internal_requests BIGINT NOT NULL DEFAULT 0,
  external_requests BIGINT NOT NULL DEFAULT 0,
  UNIQUE (host, method, path_template)
);

-- Ids of endpoints folded into another by re-templating, so old links keep working.
CREATE TABLE endpoint_aliases (
  old_id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL
);

CREATE TABLE endpoint_minutes (
  endpoint_id TEXT NOT NULL,
  minute_ms BIGINT NOT NULL,
  requests BIGINT NOT NULL DEFAULT 0,
  s0xx BIGINT NOT NULL DEFAULT 0,
  s1xx BIGINT NOT NULL DEFAULT 0,
  s2xx BIGINT NOT NULL DEFAULT 0,
  s3xx BIGINT NOT NULL DEFAULT 0,
  s4xx BIGINT NOT NULL DEFAULT 0,
  s5xx BIGINT NOT NULL DEFAULT 0,
  findings BIGINT NOT NULL DEFAULT 0,
  blocked BIGINT NOT NULL DEFAULT 0,
  request_bytes BIGINT NOT NULL DEFAULT 0,
  response_bytes BIGINT NOT NULL DEFAULT 0,
  latency_sum_us BIGINT NOT NULL DEFAULT 0,
  lat_00 BIGINT NOT NULL DEFAULT 0,
  lat_01 BIGINT NOT NULL DEFAULT 0,
  lat_02 BIGINT NOT NULL DEFAULT 0,
  lat_03 BIGINT NOT NULL DEFAULT 0,
  lat_04 BIGINT NOT NULL DEFAULT 0,
  lat_05 BIGINT NOT NULL DEFAULT 0,
  lat_06 BIGINT NOT NULL DEFAULT 0,
  lat_07 BIGINT NOT NULL DEFAULT 0,
  lat_08 BIGINT NOT NULL DEFAULT 0,
  lat_09 BIGINT NOT NULL DEFAULT 0,
  lat_10 BIGINT NOT NULL DEFAULT 0,
  lat_11 BIGINT NOT NULL DEFAULT 0,
  lat_12 BIGINT NOT NULL DEFAULT 0,
  lat_13 BIGINT NOT NULL DEFAULT 0,
  lat_14 BIGINT NOT NULL DEFAULT 0,
  lat_15 BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (endpoint_id, minute_ms)
);
CREATE INDEX endpoint_minutes_minute ON endpoint_minutes (minute_ms);

CREATE TABLE endpoint_fields (
  endpoint_id TEXT NOT NULL,
  location TEXT NOT NULL,
  name TEXT NOT NULL,
  type_mask INTEGER NOT NULL DEFAULT 0,
  format TEXT NOT NULL DEFAULT '',
  count BIGINT NOT NULL DEFAULT 0,
  first_seen_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  PRIMARY KEY (endpoint_id, location, name)
);

CREATE TABLE endpoint_findings (
  endpoint_id TEXT NOT NULL,
  type TEXT NOT NULL,
  direction TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  count BIGINT NOT NULL DEFAULT 0,
  first_seen_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  PRIMARY KEY (endpoint_id, type, direction)
);
CREATE INDEX endpoint_findings_type ON endpoint_findings (type);

-- Keyed hashes of leaked values (never the values), capped per endpoint and type.
CREATE TABLE finding_values (
  endpoint_id TEXT NOT NULL,
  type TEXT NOT NULL,
  value_hash TEXT NOT NULL,
  PRIMARY KEY (endpoint_id, type, value_hash)
);

CREATE TABLE gateways (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  hostname TEXT NOT NULL DEFAULT '',
  boot_id TEXT NOT NULL DEFAULT '',
  first_seen_ms BIGINT NOT NULL,
  last_heartbeat_ms BIGINT NOT NULL,
  events_received BIGINT NOT NULL DEFAULT 0,
  -- Gateway counters restart with each boot: totals = previous boots + the current boot's value.
  counters_boot_id TEXT NOT NULL DEFAULT '',
  dropped_prev_boots BIGINT NOT NULL DEFAULT 0,
  dropped_boot BIGINT NOT NULL DEFAULT 0,
  requests_prev_boots BIGINT NOT NULL DEFAULT 0,
  requests_boot BIGINT NOT NULL DEFAULT 0,
  rules_version_acked BIGINT NOT NULL DEFAULT 0,
  rules_version_rejected BIGINT NOT NULL DEFAULT 0,
  reject_reason TEXT NOT NULL DEFAULT '',
  connections INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
  gateway_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ts_ms BIGINT NOT NULL,
  received_ms BIGINT NOT NULL,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  status INTEGER NOT NULL,
  latency_us BIGINT NOT NULL,
  request_bytes BIGINT NOT NULL,
  response_bytes BIGINT NOT NULL,
  client_ip TEXT NOT NULL,
  auth_scheme TEXT NOT NULL,
  finding_count INTEGER NOT NULL,
  action TEXT NOT NULL,
  rules_version BIGINT NOT NULL,
  detail TEXT NOT NULL
) PARTITION BY RANGE (received_ms);
CREATE INDEX events_received ON events (received_ms);
CREATE INDEX events_endpoint ON events (endpoint_id, ts_ms);
CREATE INDEX events_gateway ON events (gateway_id, received_ms);
