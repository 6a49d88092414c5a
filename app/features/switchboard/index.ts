/*
 * Public entry of the switchboard for other features (client-safe): what a feature needs to write
 * the re-test probes of its service. Server-only pieces are in ./index.server.ts.
 */
export { type Probe, type ProbeContext, type ProbeRegistry, entryProbe, pageProbe, probeRequest, unexpectedResponse } from "./probes";
export type { ServiceKey } from "./types";
