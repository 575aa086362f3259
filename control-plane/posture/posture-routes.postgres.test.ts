// The posture routes suite (posture-routes.suite.ts) on PostgreSQL.
import { postureRoutesSuite } from './posture-routes.suite.ts';

postureRoutesSuite('postgres');
