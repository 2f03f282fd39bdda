// OPS216: internal redirects. When a route follows 3xx itself
// (internal_redirect_policy), only one hop is followed unless
// max_internal_redirects says more, and http→https is not followed unless
// allow_cross_scheme_redirect is set; other redirects reach the client.
import { arr, field, keyOf, obj, seg, str } from '../json.ts';
import { t, type DumpRule, type DumpReport } from './rule.ts';

export const internalRedirect: DumpRule = {
  meta: { id: 'internal-redirect', code: 'OPS216', severity: 'info', title: t('Internal redirect limits', '内部重定向的限制'), chapter: 'best-practice/internal-redirect' },
  check(ix) {
    const out: DumpReport[] = [];
    for (const r of ix.dump.routes) {
      arr(r.value, 'virtual_hosts').forEach((vh, i) => {
        arr(vh, 'routes').forEach((route, j) => {
          const action = obj(route, 'route');
          const policy = obj(action, 'internal_redirect_policy');
          if (!policy) return;
          const max = field(policy, 'max_internal_redirects');
          const n = max === undefined ? 1 : Number((max as { value?: number }).value ?? max);
          const codes = arr(policy, 'redirect_response_codes').map(String);
          const notes: string[] = [];
          const notesZh: string[] = [];
          if (n <= 1) {
            notes.push('at most one redirect is followed (max_internal_redirects defaults to 1)');
            notesZh.push('最多只跟随一次重定向（max_internal_redirects 默认为 1）');
          }
          if (field(policy, 'allow_cross_scheme_redirect') !== true) {
            notes.push('redirects that change http/https are passed to the client');
            notesZh.push('切换 http/https 的重定向会直接返回给客户端');
          }
          if (notes.length === 0) return;
          out.push({
            path: `${r.path}${seg(keyOf(r.value, 'virtual_hosts'))}[${i}]${seg(keyOf(vh, 'routes'))}[${j}]${seg(keyOf(route, 'route'))}${seg(keyOf(action, 'internal_redirect_policy'))}`,
            resource: `RouteConfiguration ${r.name}`,
            message: t(`Route "${str(route, 'name') || j}" follows redirects (${codes.length ? codes.join(',') : '302'}) inside Envoy, but ${notes.join('; ')}.`, `路由 "${str(route, 'name') || j}" 在 Envoy 内部跟随重定向（${codes.length ? codes.join(',') : '302'}），但${notesZh.join('；')}。`),
            fix: t('Raise max_internal_redirects to the longest redirect chain you expect, and set allow_cross_scheme_redirect if the chain switches scheme.', '将 max_internal_redirects 调大到预期最长的重定向链，如需切换协议则设置 allow_cross_scheme_redirect。'),
          });
        });
      });
    }
    return out;
  },
};
