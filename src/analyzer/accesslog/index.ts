// The access-log analyzer: read any Envoy/Istio access log, explain it.
export * from './entry.ts';
export { compileFormat, tokenize, type CompiledFormat, type Operator } from './format.ts';
export { BUILTIN_FORMATS, builtinFormats } from './formats.ts';
export { TextScanner, parseFlags } from './scan.ts';
export { AccessLogReader, readAccessLog, type ReadOptions, type ReadResult } from './reader.ts';
export { renderEntry } from './render.ts';
export * from './diagnose.ts';
export { analyzeLogs, buildReport, groupFindings, accessLogAnalyzer, type LogReport } from './analyze.ts';
export { summaryText, traceText } from './text.ts';
export { FLAGS, FLAG_BY_CODE } from './knowledge/flags.ts';
export { DETAILS, explainDetails, TRANSPORT_REASONS, explainTransport } from './knowledge/details.ts';
export { decodeCluster } from './knowledge/clusters.ts';
