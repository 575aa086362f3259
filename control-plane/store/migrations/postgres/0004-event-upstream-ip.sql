-- The destination of each event: the upstream IP the gateway forwarded to (ApiEvent.upstream_ip,
-- Envoy's upstream.address / Apigee's target.ip, without port), '' when none was contacted. The
-- posture API geolocates it per endpoint and per flow like client addresses.
ALTER TABLE events ADD COLUMN upstream_ip TEXT NOT NULL DEFAULT '';
