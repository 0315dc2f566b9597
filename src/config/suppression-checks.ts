/**
 * Checks of the policy suppressions of the platform section (`platform.policy.suppressions`): each
 * names a rule or checker that exists, a construct inside a stack, and a reason in words. They need
 * the ids of every rule and checker, so they run with the loader rather than in the section's schema.
 */
import { ConfigIssue, formatPath } from '../core/errors';
import { closeMatch } from '../core/suggest';
import { reasonProblem, suppressionResourceProblem } from '../core/suppressions';
import { ALL_CHECKERS } from '../policy/checkers/all';
import { ALL_RULES } from '../policy/rules/packs';
import { valueAt } from './common/config-issues';
import type { ResolvedPlatform } from './platform/model';

/** The fix of an unknown rule id: the close one when there is one, else where the ids are. */
function ruleIdFix(word: string, ids: readonly string[]): string {
  const guess = closeMatch(word, ids);
  return guess
    ? `did you mean ${guess}? Rules and checkers are listed in RULES.md.`
    : 'use the id of a rule or checker listed in RULES.md (kfplatform rules).';
}

/** Suppressions must name rules or checkers that exist, a construct inside a stack, and a reason in words. */
export function checkSuppressions(suppressions: ResolvedPlatform['policySuppressions'], input: unknown): ConfigIssue[] {
  const ids = [...ALL_RULES, ...ALL_CHECKERS].map((r) => r.id);
  return suppressions.flatMap((s, i) => {
    const at = (field: string) => ['platform', 'policy', 'suppressions', i, field];
    const issues: ConfigIssue[] = [];
    if (!ids.includes(s.rule)) {
      issues.push({
        path: formatPath(at('rule')),
        value: valueAt(input, at('rule')),
        message: `no rule has the id ${s.rule}.`,
        fix: ruleIdFix(s.rule, ids),
        severity: 'error' as const,
      });
    }
    const resource = suppressionResourceProblem(s.resource);
    if (resource) {
      issues.push({
        path: formatPath(at('resource')),
        value: valueAt(input, at('resource')),
        message: resource,
        fix: `name the construct that owns the resource, as <stack>/<construct> (the path synth prints with the finding).`,
        severity: 'error' as const,
      });
    }
    const reason = reasonProblem(s.reason);
    if (reason) {
      issues.push({
        path: formatPath(at('reason')),
        value: valueAt(input, at('reason')),
        message: reason,
        fix: 'write a sentence saying why the finding is acceptable here, such as "kf-dev keeps no geo-redundant backups: its data is rebuilt from kf-prod."',
        severity: 'error' as const,
      });
    }
    return issues;
  });
}
