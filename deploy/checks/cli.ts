import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFinding } from './finding.ts';
import { runChecks } from './run-checks.ts';

// node deploy/checks/cli.ts [repo-root]: prints every finding with file, path and fix; exit 1 if any.
const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoRoot = path.resolve(process.argv[2] ?? defaultRoot);

const report = await runChecks({
  deployDir: path.join(repoRoot, 'deploy'),
  servicesDir: path.join(repoRoot, 'services'),
});
for (const note of report.skipped) process.stderr.write(`skipped: ${note}\n`);
for (const finding of report.findings) process.stderr.write(`${formatFinding(finding)}\n`);

if (report.findings.length > 0) {
  process.stderr.write(`deploy checks: ${report.findings.length} problem(s)\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('deploy checks: all deploy files agree with each other and the services\n');
}
