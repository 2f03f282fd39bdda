// The mesh simulator: scenario YAML → per-proxy config (and /config_dump) →
// simulated requests with each proxy's access-log line and the reason for
// every hop. Pure TypeScript: runs in the lab's worker and in the CLI.
export { loadScenario, findPod, DEFAULT_GATEWAY_FILE, type Scenario, type ScenarioFile, type PodInstance, type AppBehavior, type SourceRef } from './scenario.ts';
export { deriveProxyConfig, type ProxyConfig } from './config.ts';
export { toConfigDump, nodeId } from './dump.ts';
export { parseCurl, type CurlRequest } from './curl.ts';
export { Simulator, curlOutput, LOCAL_BODIES, type Hop, type PathStep, type RequestOutcome, type ClientResult } from './request.ts';
export { renderLogLine } from './logs.ts';
export { Mesh, type CurlRun } from './mesh.ts';
export { formatPath } from './explain.ts';
export { meshCommands, type MeshShellOptions } from './shell-commands.ts';
