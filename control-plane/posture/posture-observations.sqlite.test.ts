// The live formats and JWT algs suite (posture-observations.suite.ts) on SQLite.
import { postureObservationsSuite } from './posture-observations.suite.ts';

postureObservationsSuite('sqlite');
