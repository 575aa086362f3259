// The enums-from-runtime suite (value-enums.suite.ts) on PostgreSQL.
import { valueEnumsSuite } from './value-enums.suite.ts';

valueEnumsSuite('postgres');
