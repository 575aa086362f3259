-- Uploaded specs: the original text is kept (never the resolved form, which can be much larger)
-- and parsed again on load; digest lets callers skip re-uploads.
CREATE TABLE posture_specs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  host TEXT NOT NULL DEFAULT '',
  spec_version TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  digest TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  uploaded_ms BIGINT NOT NULL
);

-- Owners and tags set through the API, by endpoint key (host, method, path template).
CREATE TABLE posture_endpoint_meta (
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]',
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (host, method, path)
);

-- Every version of the risk model (custom factors, weights); the highest version is in force.
CREATE TABLE posture_risk_models (
  version INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  actor TEXT NOT NULL DEFAULT ''
);

CREATE TABLE posture_events (
  id TEXT PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  host TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  summary TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  resolves INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX posture_events_at ON posture_events (at_ms, id);
CREATE INDEX posture_events_kind ON posture_events (kind, at_ms);

-- The last evaluated posture per endpoint, so changes are detected across restarts and replicas.
CREATE TABLE posture_snapshot (
  endpoint_key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
