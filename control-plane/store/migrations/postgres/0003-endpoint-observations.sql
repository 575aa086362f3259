-- Categorical observations the posture cores need as counts, not as a last value: how often each
-- string format was seen per parameter / body field (a format is declared only when it holds for
-- nearly every value), and how often each JWT header `alg` was seen per endpoint (`none` is a risk
-- factor). kind = 'format' (location, name = the field) or 'jwt_alg' (location, name = '').
CREATE TABLE endpoint_observations (
  endpoint_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  location TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  count BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (endpoint_id, kind, location, name, value)
);
