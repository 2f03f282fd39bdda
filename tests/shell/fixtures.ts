// Small lab files written by hand for the shell tests.
import { createShell, VirtualFS } from '../../src/shell/index.ts';

export const accessLog = [
  '[2024-05-01T10:00:00.000Z] "GET /orders HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl/8.5.0" "a1" "orders.shop" "-" outbound|80|v1|orders.shop.svc.cluster.local - 10.0.0.5:80 10.0.0.9:40000 - -',
  '[2024-05-01T10:00:01.000Z] "GET /orders HTTP/1.1" 200 - via_upstream - "-" 0 42 3 2 "-" "curl/8.5.0" "a2" "orders.shop" "10.1.0.7:8080" outbound|80||orders.shop.svc.cluster.local 10.0.0.9:41000 10.0.0.5:80 10.0.0.9:40001 - default',
  '[2024-05-01T10:00:02.000Z] "POST /orders HTTP/1.1" 503 UH no_healthy_upstream - "-" 12 19 0 - "-" "curl/8.5.0" "a3" "orders.shop" "-" outbound|80|v1|orders.shop.svc.cluster.local - 10.0.0.5:80 10.0.0.9:40002 - -',
].join('\n') + '\n';

export const pods = JSON.stringify({
  kind: 'List',
  items: [
    { metadata: { name: 'orders-v1-7d9f', labels: { app: 'orders' } }, status: { phase: 'Running' } },
    { metadata: { name: 'orders-v2-5c2a', labels: { app: 'orders', version: 'v2' } }, status: { phase: 'Running' } },
    { metadata: { name: 'sleep-6b8f', labels: { app: 'sleep' } }, status: { phase: 'Pending' } },
  ],
});

export const numbers = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\ntwelve\n';

export function labShell() {
  const fs = new VirtualFS([
    { path: 'logs/gateway.log', content: accessLog },
    { path: 'pods.json', content: pods },
    { path: 'numbers.txt', content: numbers },
    { path: 'deploy/orders.yaml', content: 'kind: Deployment\n' },
  ]);
  return createShell({ fs });
}
