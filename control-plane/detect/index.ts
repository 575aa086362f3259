// The detection engine's control-plane side: detector sources in, rules.proto tables out.
// docs/detectors.md is the normative description of the tables and of how scanners run them.
export { compileDetectors, validateDetectorSource, DetectorSourceError } from './compile-detectors.ts';
export type { CompileOptions, CompiledDetectors, SourceError } from './compile-detectors.ts';
export type { DetectorSourceInput, ContextSource, BoundaryName } from './detector-source.ts';
export { BUILTIN_DETECTORS, BUILTIN_IDS } from './builtin-detectors.ts';
export { buildBuiltinRuleSet, BUILTIN_SETTINGS } from './builtin-rule-set.ts';
