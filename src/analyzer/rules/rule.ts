// A rule, ESLint style: metadata (id, code, the istioctl analyzer it mirrors,
// severity, title and explanation in both languages, the chapter that teaches
// it) and a pure function from the model to reports.
import type { Localized, Severity } from '../finding.ts';
import type { FieldPath } from '../resources/read.ts';
import type { Resource, ResourceModel } from '../resources/model.ts';

export interface RuleMeta {
  /** Stable kebab-case name, e.g. `referenced-resource-not-found`. */
  id: string;
  /** `IST0101` when the rule is the equivalent of an istioctl analyzer, else our own `OPS3xx`. */
  code: string;
  /** The istioctl message name (e.g. `ReferencedResourceNotFound`) when there is one. */
  istioctl?: string;
  severity: Severity;
  title: Localized;
  explanation: Localized;
  /** Chapter slug (src/guide/chapters.ts) that teaches the problem, or null. */
  chapter: string | null;
}

export interface Report {
  resource: Resource;
  /** The offending field; the finding's line/column point at it. */
  path: FieldPath;
  message: Localized;
  fix?: Localized;
}

export interface Rule {
  meta: RuleMeta;
  check(model: ResourceModel): Report[];
}

/** Both languages at once: `t('en text', '中文')`. */
export function t(en: string, zh: string): Localized {
  return { en, zh };
}
