// The one shape every analyzer reports in. The CLI's JSON output, the lab's
// findings panel and the editor's markers are all rendered from it.

export type Severity = 'error' | 'warning' | 'info';

export interface Localized {
  en: string;
  zh: string;
}

export interface Finding {
  /** istioctl analyze code (IST0101…) when the rule is its equivalent, else our own (OPS…). */
  code: string;
  severity: Severity;
  message: Localized;
  /** "Kind namespace/name", "Kind name" when cluster-scoped, or null. */
  resource: string | null;
  file: string | null;
  line: number | null;
  column: number | null;
  /** Slug of the chapter that teaches it (see src/guide/chapters.ts), or null. */
  chapter: string | null;
  /** How to fix it, when we know. */
  fix?: Localized;
  /** JSON path of the offending piece in a JSON input (config dumps, traces…). */
  path?: string;
  /** Silenced by an annotation or --suppress; still counted in summaries. */
  suppressed?: boolean;
}

export const severityRank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function atLeast(severity: Severity, level: Severity): boolean {
  return severityRank[severity] >= severityRank[level];
}
