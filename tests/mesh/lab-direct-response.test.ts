// Lab direct-response (guide chapter "directResponse"): the ingress gateway
// answers /cart itself with a VirtualService directResponse (Istio 1.15+),
// the rest of the storefront keeps its route, and the gateway's access log
// shows direct_response with no upstream host, cluster or service time.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/direct-response/scenario';
const GATEWAY = '--resolve www.shop-demo.example:80:istio-ingressgateway.istio-system http://www.shop-demo.example';
const CART = `curl -s -i ${GATEWAY}/cart`;
const HOME = `curl -s -i ${GATEWAY}/`;
const GATEWAY_LOG = 'kubectl logs deploy/istio-ingressgateway -n istio-system';
const CART_ROUTE = '    route:\n    - destination:\n        host: cart.shop.svc.cluster.local\n';
const MAINTENANCE = '    directResponse:\n      status: 503\n      body:\n        string: "Cart closed for maintenance"\n';

const labShell = () => labShellOf(DIR, 'outside/shopper');
const original = () => readFileSync(`${DIR}/storefront-vs.yaml`, 'utf8');
const lines = (out: string) => out.trim().split('\n');

describe('lab direct-response', () => {
  it('before: /cart reaches the cart pod through the gateway (via_upstream, the cart cluster)', async () => {
    const { shell } = labShell();
    const r = (await shell.run(CART)).stdout;
    expect(r).toMatch(/^HTTP\/1\.1 200 /);
    expect(r).toContain('x-envoy-upstream-service-time');
    const [line] = lines((await shell.run(GATEWAY_LOG)).stdout);
    expect(line).toContain('"GET /cart HTTP/1.1" 200 - via_upstream ');
    expect(line).toContain(' outbound|8000||cart.shop.svc.cluster.local ');
  });

  it('with directResponse on the cart rule: 503 and the text from the gateway, no upstream in its log, nothing at the cart; / still reaches the storefront', async () => {
    const { fs, shell } = labShell();
    fs.write('storefront-vs.yaml', original().replace(CART_ROUTE, MAINTENANCE));
    expect((await shell.run('kubectl apply -f storefront-vs.yaml')).stdout).toContain('virtualservice.networking.istio.io/storefront configured');
    const cart = (await shell.run(CART)).stdout;
    expect(cart).toMatch(/^HTTP\/1\.1 503 /);
    expect(cart).toContain('Cart closed for maintenance');
    expect(cart).not.toContain('x-envoy-upstream-service-time');
    expect((await shell.run(HOME)).stdout).toMatch(/^HTTP\/1\.1 200 [\s\S]*Shop demo/);

    const [cartLine, homeLine] = lines((await shell.run(GATEWAY_LOG)).stdout);
    // Istio's default format: … details … upstream service time "XFF" "UA" "id" "authority" "upstream host" upstream cluster …
    expect(cartLine).toMatch(/"GET \/cart HTTP\/1\.1" 503 - direct_response - "-" 0 27 \d+ - "/);
    expect(cartLine).toMatch(/"www\.shop-demo\.example" "-" - - /);
    expect(cartLine).toMatch(/ cart$/);
    expect(homeLine).toContain(' outbound|8000||storefront.shop.svc.cluster.local ');
    expect((await shell.run('kubectl logs deploy/cart -n shop -c istio-proxy')).stdout.trim()).toBe('');

    const routes = (await shell.run('istioctl proxy-config routes deploy/istio-ingressgateway -n istio-system --name http.8080 -o json')).stdout;
    expect(routes).toContain('"inlineString": "Cart closed for maintenance"');
  });

  it('a maintenance rule below the catch-all never matches: rules are tried from the top', async () => {
    const { fs, shell } = labShell();
    const cartRule = `  - name: cart\n    match:\n    - uri:\n        prefix: /cart\n${CART_ROUTE}`;
    const maintenanceLast = `${original().replace(cartRule, '')}  - name: maintenance\n    match:\n    - uri:\n        prefix: /cart\n${MAINTENANCE}`;
    expect(maintenanceLast).not.toContain('cart.shop.svc');
    fs.write('storefront-vs.yaml', maintenanceLast);
    expect((await shell.run('kubectl apply -f storefront-vs.yaml')).exitCode).toBe(0);
    const cart = (await shell.run(CART)).stdout;
    expect(cart).toMatch(/^HTTP\/1\.1 200 /);
    expect(cart).toContain('Shop demo');
  });
});
