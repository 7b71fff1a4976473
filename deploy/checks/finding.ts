/** One problem found in a deploy file: where it is, what is wrong and what to do about it. */
export interface Finding {
  readonly rule: RuleId;
  readonly file: string;
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

export type RuleId =
  | 'parse-error'
  | 'undefined-component'
  | 'unused-component'
  | 'removed-name'
  | 'pipeline-order'
  | 'memory-limiter-interval'
  | 'env-not-listed'
  | 'env-not-commented'
  | 'router-config-invalid'
  | 'litellm-metrics-flag'
  | 'litellm-unknown-router-model'
  | 'litellm-stream-timeout'
  | 'litellm-health-probe'
  | 'metric-names-missing'
  | 'dashboard-unknown-metric'
  | 'compose-schema'
  | 'compose-config'
  | 'compose-mount-missing'
  | 'shellcheck';

/** Renders a finding as one line an operator can act on: `file: path: problem. Fix: …`. */
export function formatFinding(finding: Finding): string {
  const where = finding.path === '' ? finding.file : `${finding.file}: ${finding.path}`;
  return `${where}: ${finding.problem} [${finding.rule}]\n  fix: ${finding.fix}`;
}
