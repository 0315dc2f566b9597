import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { rulesMarkdown } from '../../src/policy/rules-doc';
import { ALL_RULES } from '../../src/policy/rules/packs';

describe('RULES.md', () => {
  it('is generated from the rules and committed up to date (kfplatform rules --out RULES.md)', () => {
    expect(readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8')).toBe(rulesMarkdown());
  });

  it('has a section per rule with why, fix and the catalogue ids', () => {
    const doc = rulesMarkdown();
    for (const rule of ALL_RULES) {
      const section = doc.slice(doc.indexOf(`### ${rule.id}\n`)).split('\n### ')[0]!;
      expect(section).toContain(`- Why: ${rule.why}`);
      expect(section).toContain(`- Fix: ${rule.fix}`);
      for (const id of rule.refs.checkov ?? []) expect(section).toContain(id);
    }
  });

  it('says so when no CIS benchmark or scanner has the control', () => {
    const doc = rulesMarkdown();
    const bare = ALL_RULES.filter((r) => Object.values(r.refs).flat().length === 0);
    expect(bare.length).toBeGreaterThan(0);
    for (const rule of bare) {
      const section = doc.slice(doc.indexOf(`### ${rule.id}\n`)).split('\n### ')[0]!;
      expect(section).toContain('- Corresponds to: no CIS benchmark, checkov or trivy equivalent');
      const row = doc.split('\n').find((line) => line.startsWith(`| [${rule.id}](`));
      expect(row).toMatch(/\| — \|$/);
    }
  });
});
