// The enums-from-runtime suite (value-enums.suite.ts) on SQLite.
import { valueEnumsSuite } from './value-enums.suite.ts';

valueEnumsSuite('sqlite');
