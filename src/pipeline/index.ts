export { createEnvironment } from "./environment.ts";
export type { Environment } from "./environment.ts";
export { runInput } from "./run-input.ts";
export type { RunDeps, RunSummary } from "./run-input.ts";
export { DEFENDER_ALERTS_SCHEME } from "./scheme.ts";
export { validateStanza } from "./validate.ts";
