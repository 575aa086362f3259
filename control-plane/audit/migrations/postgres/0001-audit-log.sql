-- Who changed what, when: one row per change (publish, rollback, token create/revoke, gateway
-- revoke), written in the same transaction as the change it records.
CREATE TABLE audit_log (
  id BIGSERIAL PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, id);
