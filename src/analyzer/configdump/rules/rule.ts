// A config-dump rule, ESLint style: metadata plus a pure check over the dump's
// index. Reports carry the JSON path of the offending piece.
import type { Localized, Severity } from '../../finding.ts';
import type { DumpIndex } from '../index.ts';

export interface DumpRuleMeta {
  id: string;
  /** OPS2xx */
  code: string;
  severity: Severity;
  title: Localized;
  chapter: string | null;
}

export interface DumpReport {
  path: string;
  /** What it is about, e.g. `Cluster outbound|9080|v2|reviews…` or `Listener 0.0.0.0_9080`. */
  resource: string | null;
  message: Localized;
  fix?: Localized;
  /** Overrides the rule's severity for this report. */
  severity?: Severity;
}

export interface DumpRule {
  meta: DumpRuleMeta;
  check(ix: DumpIndex): DumpReport[];
}

export const t = (en: string, zh: string): Localized => ({ en, zh });
