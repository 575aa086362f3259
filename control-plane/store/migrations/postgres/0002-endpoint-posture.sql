-- Posture written back onto each endpoint (risk score 0-100, classes as a bit set: 1 shadow,
-- 2 zombie, 4 orphaned) so GET /v1/endpoints can sort and filter on them in SQL with keyset
-- pagination. Only columns that change rarely are indexed: requests and last_seen_ms change with
-- every ingested batch, and an index on them would tax the hot write path for a list sort.
ALTER TABLE endpoints ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE endpoints ADD COLUMN posture_classes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX endpoints_risk ON endpoints (risk_score, id);
CREATE INDEX endpoints_path ON endpoints (path_template, id);
CREATE INDEX endpoints_host ON endpoints (host, id);
