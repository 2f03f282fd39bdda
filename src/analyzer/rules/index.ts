// Every resource rule, in code order. The catalog the CLI, the lab and the docs list.
import type { Rule } from './rule.ts';
import { rule as ist0101 } from './ist0101-referenced-resource-not-found.ts';
import { rule as ist0106 } from './ist0106-schema-validation-error.ts';
import { rule as ist0108 } from './ist0108-unknown-annotation.ts';
import { rule as ist0109 } from './ist0109-conflicting-mesh-gateway-virtual-service-hosts.ts';
import { rule as ist0112 } from './ist0112-virtual-service-destination-port-selector-required.ts';
import { rule as ist0116 } from './ist0116-deployment-associated-to-multiple-services.ts';
import { rule as ist0118 } from './ist0118-port-name-is-not-under-naming-convention.ts';
import { rule as ist0127 } from './ist0127-no-matching-workloads-found.ts';
import { destinationLevel as ist0128, portLevel as ist0129 } from './ist0128-no-server-certificate-verification.ts';
import { unreachableRule as ist0130, ineffectiveMatch as ist0131 } from './ist0130-virtual-service-unreachable-rule.ts';
import { rule as ist0132 } from './ist0132-virtual-service-host-not-found-in-gateway.ts';
import { rule as ist0134 } from './ist0134-service-entry-addresses-required.ts';
import { rule as ist0137 } from './ist0137-deployment-conflicting-ports.ts';
import { rule as ist0138 } from './ist0138-gateway-duplicate-certificate.ts';
import { rule as ist0145 } from './ist0145-conflicting-gateways.ts';
import { rule as ist0150 } from './ist0150-external-name-service-type-invalid-port-name.ts';
import { relativeOperation as ist0151, replaceIncorrectly as ist0152, addIncorrectly as ist0153, removeIncorrectly as ist0154, relativeWithProxyVersion as ist0155 } from './ist0151-envoy-filter-operations.ts';
import { rule as ist0162 } from './ist0162-gateway-port-not-defined-on-service.ts';
import { rule as ist0173 } from './ist0173-destination-rule-subset-not-select-pods.ts';
import { rule as ist0174 } from './ist0174-unknown-destination-rule-host.ts';
import { rule as ist0177 } from './ist0177-conflicting-service-entry-protocol.ts';
import { rule as ops301 } from './ops301-external-name-port-capture.ts';
import { rule as ops302 } from './ops302-server-first-port-shared-with-http.ts';
import { rule as ops303 } from './ops303-gateway-tcp-server-without-route.ts';
import { rule as ops304 } from './ops304-duplicate-tls-host-across-gateways.ts';
import { rule as ops305 } from './ops305-workload-missing-subset-labels.ts';
import { rule as ops306 } from './ops306-retries-without-reset.ts';
import { rule as ops307 } from './ops307-high-cardinality-metric-dimension.ts';
import { rule as ops308 } from './ops308-startup-call-without-hold.ts';
import { rule as ops309 } from './ops309-exit-on-zero-short-grace.ts';
import { rule as ops310 } from './ops310-external-https-via-gateway-without-sni.ts';
import { rule as ops311 } from './ops311-envoy-filter-selects-nothing.ts';
import { rule as ops312 } from './ops312-virtual-service-shadowed-rule.ts';

export type { Rule, RuleMeta, Report } from './rule.ts';

export const resourceRules: Rule[] = [
  ist0101, ist0106, ist0108, ist0109, ist0112, ist0116, ist0118, ist0127, ist0128, ist0129, ist0130, ist0131, ist0132,
  ist0134, ist0137, ist0138, ist0145, ist0150, ist0151, ist0152, ist0153, ist0154, ist0155, ist0162, ist0173, ist0174, ist0177,
  ops301, ops302, ops303, ops304, ops305, ops306, ops307, ops308, ops309, ops310, ops311, ops312,
];
