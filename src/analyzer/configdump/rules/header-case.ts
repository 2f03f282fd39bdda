// OPS214: HTTP/1.1 header case. Envoy lowercases header names unless a
// header_key_format is set — on the listener side (towards the client) and on
// the cluster side (towards the server). Setting only one side keeps case in
// one direction only.
import { arr, keyOf, obj, seg, upstreamHttpOptions } from '../json.ts';
import { filterChains, resolveTyped } from '../model.ts';
import { t, type DumpRule } from './rule.ts';

const hasFormat = (opts: unknown): boolean => !!obj(opts, 'header_key_format');

export const headerCase: DumpRule = {
  meta: { id: 'header-case', code: 'OPS214', severity: 'warning', title: t('Header case kept in one direction only', '仅在一个方向保留了 Header 大小写'), chapter: 'best-practice/http-header-case' },
  check(ix) {
    let listenerPath: string | null = null;
    for (const l of ix.dump.listeners) {
      for (const { chain, path } of filterChains(l.value)) {
        arr(chain, 'filters').forEach((f, i) => {
          const typed = resolveTyped(f);
          if (typed.kind === 'hcm' && hasFormat(obj(typed.config, 'http_protocol_options'))) listenerPath ??= `${l.path}${path}.filters[${i}]${seg(keyOf(f, 'typed_config'))}`;
        });
      }
    }
    let clusterPath: string | null = null;
    for (const c of ix.dump.clusters) {
      // HTTP/1 options sit under explicit_http_config or use_downstream_protocol_config (or, in old dumps, on the cluster).
      const hpo = upstreamHttpOptions(c.value);
      const h1 = [obj(obj(hpo, 'explicit_http_config'), 'http_protocol_options'), obj(obj(hpo, 'use_downstream_protocol_config'), 'http_protocol_options'), obj(c.value, 'http_protocol_options')];
      if (h1.some(hasFormat)) clusterPath ??= c.path;
    }
    if (!!listenerPath === !!clusterPath) return [];
    const onListener = !!listenerPath;
    return [
      {
        path: (listenerPath ?? clusterPath) as string,
        resource: null,
        message: onListener
          ? t('Header case is kept on the listener side (responses to clients) but no cluster keeps it: requests reach the servers with lowercased header names.', '监听器侧（返回客户端的响应）保留了 Header 大小写，但没有任何 cluster 保留：请求到达服务端时 Header 名称是小写的。')
          : t('A cluster keeps header case towards the server, but no listener does: responses reach the clients with lowercased header names.', '有 cluster 在发往服务端时保留了 Header 大小写，但没有任何 listener 保留：响应到达客户端时 Header 名称是小写的。'),
        fix: t('Apply header_key_format (proper_case_words or preserve_case) on both the HTTP connection manager and the cluster http_protocol_options, e.g. with two EnvoyFilter patches.', '在 HTTP connection manager 和 cluster 的 http_protocol_options 上同时配置 header_key_format（proper_case_words 或 preserve_case），例如用两个 EnvoyFilter patch。'),
      },
    ];
  },
};
