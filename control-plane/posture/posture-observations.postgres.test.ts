// The live formats and JWT algs suite (posture-observations.suite.ts) on PostgreSQL.
import { postureObservationsSuite } from './posture-observations.suite.ts';

postureObservationsSuite('postgres');
