// IST0106 SchemaValidationError, for the fields we model.
// istioctl runs Istio's full validation (istio/istio pkg/config/validation); we
// check the subset that the guide's scenarios touch: unknown top-level spec
// fields, required fields, enums, durations, port numbers, exportTo values, and
// VirtualService host rules (no `*` host for the mesh, no duplicate hosts).
// Anything not listed here is accepted, so a clean result is not a full validation.
import type { Report, Rule } from './rule.ts';
import { t } from './rule.ts';
import type { FieldPath } from '../resources/read.ts';
import type { Resource } from '../resources/model.ts';
import { appliesToMesh } from './common.ts';
import { arr, isObject, num, obj, str, strList } from '../resources/values.ts';

const specFields: Record<string, string[]> = {
  VirtualService: ['hosts', 'gateways', 'http', 'tls', 'tcp', 'exportTo'],
  DestinationRule: ['host', 'trafficPolicy', 'subsets', 'exportTo', 'workloadSelector'],
  Gateway: ['servers', 'selector'],
  ServiceEntry: ['hosts', 'addresses', 'ports', 'location', 'resolution', 'endpoints', 'workloadSelector', 'exportTo', 'subjectAltNames'],
  Sidecar: ['workloadSelector', 'ingress', 'egress', 'outboundTrafficPolicy', 'inboundConnectionPool'],
  EnvoyFilter: ['workloadSelector', 'configPatches', 'priority', 'targetRefs'],
  PeerAuthentication: ['selector', 'mtls', 'portLevelMtls'],
  AuthorizationPolicy: ['selector', 'targetRef', 'targetRefs', 'rules', 'action', 'provider'],
  RequestAuthentication: ['selector', 'targetRef', 'targetRefs', 'jwtRules'],
  Telemetry: ['selector', 'targetRef', 'targetRefs', 'tracing', 'metrics', 'accessLogging'],
  WorkloadEntry: ['address', 'ports', 'labels', 'network', 'locality', 'weight', 'serviceAccount'],
};

const httpRouteFields = ['name', 'match', 'route', 'redirect', 'directResponse', 'delegate', 'rewrite', 'timeout', 'retries', 'fault', 'mirror', 'mirrors', 'mirrorPercent', 'mirror_percent', 'mirrorPercentage', 'corsPolicy', 'headers'];
const destinationFields = ['host', 'subset', 'port'];

const gatewayProtocols = ['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2', 'MONGO', 'TCP', 'TLS', 'MYSQL', 'REDIS', 'UDP'];
const tlsModesDr = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];
const tlsModesGw = ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'];
const seLocations = ['MESH_EXTERNAL', 'MESH_INTERNAL'];
const seResolutions = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN'];
const paModes = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'];
const apActions = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

const DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;

export const rule: Rule = {
  meta: {
    id: 'schema-validation-error',
    code: 'IST0106',
    istioctl: 'SchemaValidationError',
    severity: 'error',
    title: t('Schema validation error', '模式校验错误'),
    explanation: t(
      'The resource breaks Istio\'s validation: the API server (with the validating webhook) rejects it, or istiod ignores the field.',
      '资源不符合 Istio 的校验规则：API Server（启用校验 webhook 时）会拒绝它，或 istiod 会忽略该字段。',
    ),
    chapter: null,
  },
  check(model) {
    const out: Report[] = [];
    const bad = (r: Resource, path: FieldPath, en: string, zh: string) => out.push({ resource: r, path, message: t(`Schema validation error: ${en}`, `模式校验错误：${zh}`) });
    const checkEnum = (r: Resource, path: FieldPath, v: unknown, allowed: string[], what: string) => {
      if (v === undefined) return;
      const s = str(v);
      if (!s || !allowed.includes(s)) bad(r, path, `${what} "${String(v)}" is not one of ${allowed.join(', ')}`, `${what} "${String(v)}" 不是 ${allowed.join('、')} 之一`);
    };
    const checkDuration = (r: Resource, path: FieldPath, v: unknown) => {
      if (v === undefined) return;
      if (typeof v !== 'string' || !DURATION.test(v)) bad(r, path, `"${String(v)}" is not a duration (e.g. 1.5s, 100ms)`, `"${String(v)}" 不是合法的时长（如 1.5s、100ms）`);
    };
    const checkPort = (r: Resource, path: FieldPath, v: unknown) => {
      if (v === undefined) return;
      const n = num(v);
      if (n === undefined || n < 1 || n > 65535) bad(r, path, `port number ${String(v)} is out of range 1-65535`, `端口号 ${String(v)} 超出 1-65535 范围`);
    };
    const checkExportTo = (r: Resource) => {
      strList(r.spec.exportTo).forEach((e, i) => {
        if (e === '*' || e === '.' || e === '~' || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(e)) return;
        bad(r, ['spec', 'exportTo', i], `exportTo "${e}" is not ".", "*", "~" or a namespace name`, `exportTo "${e}" 既不是 "."、"*"、"~"，也不是合法的命名空间名`);
      });
    };
    for (const r of model.resources) {
      const fields = specFields[r.kind];
      if (!fields) continue;
      if (!isObject(r.data.spec)) {
        bad(r, ['spec'], 'spec is missing or not an object', 'spec 缺失或不是对象');
        continue;
      }
      for (const k of Object.keys(r.spec)) if (!fields.includes(k)) bad(r, ['spec', k], `unknown field "${k}" in ${r.kind} spec`, `${r.kind} spec 中有未知字段 "${k}"`);
      checkExportTo(r);
    }
    const delegated = new Set<string>();
    for (const vs of model.ofKind('VirtualService')) {
      arr(vs.spec.http).forEach((h) => {
        const d = obj(obj(h).delegate);
        const name = str(d.name);
        if (name) delegated.add(`${str(d.namespace) ?? vs.namespace}/${name}`);
      });
    }
    for (const vs of model.ofKind('VirtualService')) {
      const hosts = strList(vs.spec.hosts);
      // A VirtualService without hosts is only valid as the target of another one's `delegate`.
      if (hosts.length === 0 && !delegated.has(`${vs.namespace}/${vs.name}`)) bad(vs, ['spec'], 'hosts is required', '必须填写 hosts');
      const seen = new Set<string>();
      hosts.forEach((h, i) => {
        if (seen.has(h)) bad(vs, ['spec', 'hosts', i], `duplicate host "${h}"`, `重复的 host "${h}"`);
        seen.add(h);
        if (h === '*' && appliesToMesh(vs)) bad(vs, ['spec', 'hosts', i], 'wildcard host "*" is not allowed for virtual services bound to the mesh gateway', '绑定 mesh gateway 的 VirtualService 不允许使用通配 host "*"');
      });
      if (arr(vs.spec.http).length + arr(vs.spec.tcp).length + arr(vs.spec.tls).length === 0) bad(vs, ['spec'], 'http, tcp or tls must be provided', '必须提供 http、tcp 或 tls 路由');
      arr(vs.spec.http).forEach((h, i) => {
        const route = obj(h);
        for (const k of Object.keys(route)) if (!httpRouteFields.includes(k)) bad(vs, ['spec', 'http', i, k], `unknown field "${k}" in HTTP route`, `HTTP 路由中有未知字段 "${k}"`);
        if (route.route === undefined && route.redirect === undefined && route.directResponse === undefined && route.delegate === undefined) bad(vs, ['spec', 'http', i], 'HTTP route must have route, redirect, directResponse or delegate', 'HTTP 路由必须有 route、redirect、directResponse 或 delegate');
        checkDuration(vs, ['spec', 'http', i, 'timeout'], route.timeout);
        const retries = obj(route.retries);
        checkDuration(vs, ['spec', 'http', i, 'retries', 'perTryTimeout'], retries.perTryTimeout);
        if (retries.attempts !== undefined && ((num(retries.attempts) ?? -1) < 0)) bad(vs, ['spec', 'http', i, 'retries', 'attempts'], 'retries.attempts cannot be negative', 'retries.attempts 不能为负数');
        arr(route.match).forEach((m, j) => {
          const uri = obj(obj(m).uri);
          const kinds = ['exact', 'prefix', 'regex'].filter((k) => k in uri);
          if (kinds.length > 1) bad(vs, ['spec', 'http', i, 'match', j, 'uri'], `uri match sets more than one of ${kinds.join(', ')}`, `uri 匹配同时设置了 ${kinds.join('、')}`);
        });
        arr(route.route).forEach((d, j) => {
          const dest = obj(obj(d).destination);
          if (!str(dest.host)) bad(vs, ['spec', 'http', i, 'route', j, 'destination'], 'destination.host is required', '必须填写 destination.host');
          for (const k of Object.keys(dest)) if (!destinationFields.includes(k)) bad(vs, ['spec', 'http', i, 'route', j, 'destination', k], `unknown field "${k}" in destination`, `destination 中有未知字段 "${k}"`);
          checkPort(vs, ['spec', 'http', i, 'route', j, 'destination', 'port', 'number'], obj(dest.port).number);
        });
      });
    }
    for (const dr of model.ofKind('DestinationRule')) {
      if (!str(dr.spec.host)) bad(dr, ['spec'], 'host is required', '必须填写 host');
      const names = new Set<string>();
      arr(dr.spec.subsets).forEach((s, i) => {
        const name = str(obj(s).name);
        if (!name) bad(dr, ['spec', 'subsets', i], 'subset name is required', '必须填写 subset 名称');
        else if (names.has(name)) bad(dr, ['spec', 'subsets', i, 'name'], `duplicate subset name "${name}"`, `重复的 subset 名称 "${name}"`);
        if (name) names.add(name);
      });
      checkEnum(dr, ['spec', 'trafficPolicy', 'tls', 'mode'], obj(obj(dr.spec.trafficPolicy).tls).mode, tlsModesDr, 'tls.mode');
    }
    for (const gw of model.ofKind('Gateway')) {
      const servers = arr(gw.spec.servers);
      if (servers.length === 0) bad(gw, ['spec'], 'gateway must have at least one server', 'Gateway 至少要有一个 server');
      servers.forEach((s, i) => {
        const server = obj(s);
        const port = obj(server.port);
        if (!isObject(server.port)) bad(gw, ['spec', 'servers', i], 'server.port is required', '必须填写 server.port');
        else {
          checkPort(gw, ['spec', 'servers', i, 'port', 'number'], port.number ?? 0);
          checkEnum(gw, ['spec', 'servers', i, 'port', 'protocol'], str(port.protocol)?.toUpperCase() ?? port.protocol ?? '', gatewayProtocols, 'port.protocol');
        }
        if (strList(server.hosts).length === 0) bad(gw, ['spec', 'servers', i], 'server.hosts is required', '必须填写 server.hosts');
        const tls = obj(server.tls);
        checkEnum(gw, ['spec', 'servers', i, 'tls', 'mode'], tls.mode, tlsModesGw, 'tls.mode');
        const proto = (str(port.protocol) ?? '').toUpperCase();
        if (proto === 'HTTPS' && !isObject(server.tls)) bad(gw, ['spec', 'servers', i], 'an HTTPS server needs a tls block', 'HTTPS server 必须配置 tls');
        const mode = str(tls.mode) ?? 'SIMPLE';
        if (isObject(server.tls) && (mode === 'SIMPLE' || mode === 'MUTUAL') && proto !== 'HTTP' && !str(tls.credentialName) && !str(tls.serverCertificate) && !isObject(tls.credentialNames) && !Array.isArray(tls.credentialNames)) {
          bad(gw, ['spec', 'servers', i, 'tls'], `tls mode ${mode} needs credentialName or serverCertificate/privateKey`, `tls 模式 ${mode} 需要 credentialName 或 serverCertificate/privateKey`);
        }
      });
    }
    for (const se of model.ofKind('ServiceEntry')) {
      if (strList(se.spec.hosts).length === 0) bad(se, ['spec'], 'hosts is required', '必须填写 hosts');
      checkEnum(se, ['spec', 'location'], se.spec.location, seLocations, 'location');
      checkEnum(se, ['spec', 'resolution'], se.spec.resolution, seResolutions, 'resolution');
      arr(se.spec.ports).forEach((p, i) => checkPort(se, ['spec', 'ports', i, 'number'], obj(p).number ?? 0));
      const res = str(se.spec.resolution) ?? 'NONE';
      if (res === 'STATIC' && arr(se.spec.endpoints).length === 0 && !isObject(se.spec.workloadSelector)) bad(se, ['spec', 'resolution'], 'resolution STATIC needs endpoints or a workloadSelector', 'resolution 为 STATIC 时需要 endpoints 或 workloadSelector');
      if (res.startsWith('DNS')) strList(se.spec.hosts).forEach((h, i) => {
        if (h.startsWith('*') && arr(se.spec.endpoints).length === 0) bad(se, ['spec', 'hosts', i], `wildcard host "${h}" cannot use resolution ${res} without endpoints`, `通配 host "${h}" 在没有 endpoints 时不能使用 resolution ${res}`);
      });
    }
    for (const pa of model.ofKind('PeerAuthentication')) {
      checkEnum(pa, ['spec', 'mtls', 'mode'], obj(pa.spec.mtls).mode, paModes, 'mtls.mode');
      for (const [port, v] of Object.entries(obj(pa.spec.portLevelMtls))) checkEnum(pa, ['spec', 'portLevelMtls', port, 'mode'], obj(v).mode, paModes, 'mtls.mode');
    }
    for (const ap of model.ofKind('AuthorizationPolicy')) {
      checkEnum(ap, ['spec', 'action'], ap.spec.action, apActions, 'action');
      if (str(ap.spec.action) === 'CUSTOM' && !isObject(ap.spec.provider)) bad(ap, ['spec', 'action'], 'action CUSTOM needs a provider', 'action 为 CUSTOM 时需要 provider');
    }
    return out;
  },
};
