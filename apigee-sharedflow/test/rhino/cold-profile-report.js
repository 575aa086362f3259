// Profiling (scripts/bench/apigee/cold-profile.ts): after the policy, hands the stages'
// CPU time counted by cold-profile-hooks.js back in `profile.result`.
/* global PalisadeProfile */
context.setVariable("profile.result", JSON.stringify(PalisadeProfile.finish()));
