// The posture routes suite (posture-routes.suite.ts) on SQLite.
import { postureRoutesSuite } from './posture-routes.suite.ts';

postureRoutesSuite('sqlite');
