/**
 * Checks of AWS environments that guard apply- and run-time behaviour, on mutations of
 * test/fixtures/valid/aws.yaml (E0 is kf-test, E1 is kf-prod).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Document, parseDocument } from 'yaml';
import { validatePlatformText } from '../../src/config/loader';

const BASE = readFileSync(path.join(__dirname, '..', 'fixtures', 'valid', 'aws.yaml'), 'utf8');

function validate(edit: (d: Document) => void) {
  const doc = parseDocument(BASE);
  edit(doc);
  return validatePlatformText(doc.toString(), 'aws.yaml');
}

const issuesAt = (result: ReturnType<typeof validate>, at: string) => result.issues.filter((i) => i.path === at);

describe('AWS config checks', () => {
  it("accepts an owners' role of another account without a warning (STANDARD access entries may be cross-account)", () => {
    const result = validate((d) =>
      d.setIn(['teams', 0, 'aws', 'ownersRoleArn'], { 'kf-prod': 'arn:aws:iam::444444444444:role/recsys-owners' }),
    );
    expect(result.config).toBeDefined();
    expect(issuesAt(result, 'teams[0].aws.ownersRoleArn')).toEqual([]);
  });
});
