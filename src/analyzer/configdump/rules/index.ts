// Every config-dump rule, in code order.
import { allUnhealthy } from './all-unhealthy.ts';
import { clusterNotFound } from './cluster-not-found.ts';
import { connectionBalance } from './connection-balance.ts';
import { defaultChainHijack } from './default-chain-hijack.ts';
import { edsNoEndpoints } from './eds-no-endpoints.ts';
import { gatewayPortNoListener } from './gateway-port-no-listener.ts';
import { headerCase } from './header-case.ts';
import { internalRedirect } from './internal-redirect.ts';
import { listenerRejected } from './listener-rejected.ts';
import { noCatchAll } from './no-catch-all.ts';
import { rdsMissing } from './rds-missing.ts';
import type { DumpRule } from './rule.ts';
import { certNotValid, sdsSecretMissing } from './secrets.ts';
import { tcpKeepalive } from './tcp-keepalive.ts';
import { tlsNoSni } from './tls-no-sni.ts';
import { vhostNoRoutes } from './vhost-no-routes.ts';
import { clusterWarming, listenerWarming } from './warming.ts';

export const dumpRules: DumpRule[] = [
  edsNoEndpoints,
  allUnhealthy,
  clusterNotFound,
  rdsMissing,
  vhostNoRoutes,
  noCatchAll,
  defaultChainHijack,
  gatewayPortNoListener,
  listenerWarming,
  clusterWarming,
  listenerRejected,
  tlsNoSni,
  connectionBalance,
  headerCase,
  tcpKeepalive,
  internalRedirect,
  sdsSecretMissing,
  certNotValid,
];
