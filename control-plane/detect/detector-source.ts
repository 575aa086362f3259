// What a detector looks like before compilation: the fields of admin.proto's DetectorSource
// (proto-loader object shape, enums by name) plus the two the compiler needs that users rarely
// set (`maxLength`, `boundary`). Built-in detectors are written in this form too.
import type { Validator } from '../../proto/gen/palisade/v1/Validator.ts';
import type { MaskStyle } from '../../proto/gen/palisade/v1/MaskStyle.ts';
import type { DataCategory } from '../../proto/gen/palisade/v1/DataCategory.ts';
import type { Severity } from '../../proto/gen/palisade/v1/Severity.ts';

type EnumName<T> = Extract<T, string>;

export interface ContextSource {
  keys?: string[];
  positiveKeywords?: string[];
  negativeKeywords?: string[];
  distance?: number;
  boost?: number;
  penalty?: number;
  requireContext?: boolean;
}

/** Named byte sets for `boundary`; see BOUNDARY_SETS. */
export type BoundaryName = 'none' | 'word' | 'alnum' | 'digit';

export interface DetectorSourceInput {
  /** Finding type. Built-in variants of one type share an id (e.g. dashed and bare `us_ssn`). */
  id: string;
  name?: string;
  pattern: string;
  flags?: string;
  validator?: EnumName<Validator>;
  context?: ContextSource | null;
  category?: EnumName<DataCategory>;
  severity?: EnumName<Severity>;
  mask?: EnumName<MaskStyle>;
  baseConfidence?: number;
  minConfidence?: number;
  /** Bound on a match's length in bytes; required in practice when the pattern is unbounded. */
  maxLength?: number;
  /** Bytes that must not touch a match on either side. Default `word` for custom detectors. */
  boundary?: BoundaryName;
  /** Built-ins only: a superset pattern for the SEARCH automaton when the exact one explodes
   * (e.g. `[A-Z0-9]{20}` for AWS key ids); the REVERSE automaton still checks the exact pattern. */
  searchPattern?: string;
  /** Extra boundary bytes (ASCII) added to the named set. */
  boundaryExtra?: string;
}

export const BOUNDARY_SETS: Record<BoundaryName, string> = {
  none: '',
  word: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_',
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  digit: '0123456789',
};

export const DEFAULT_MAX_LENGTH = 256;
export const DEFAULT_CONTEXT_DISTANCE = 32;
