-- Alert routes as validated JSON (alert-route.ts parses them again on load).
CREATE TABLE alert_routes (
  id TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  updated_ms BIGINT NOT NULL
);

-- One row per delivery attempt outcome.
CREATE TABLE alert_deliveries (
  seq BIGSERIAL PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  route_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  event_id TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  status INTEGER,
  error TEXT NOT NULL DEFAULT '',
  suppressed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_deliveries_route ON alert_deliveries (route_id, seq);
