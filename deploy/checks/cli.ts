import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFinding } from './finding.ts';
import { runChecks } from './run-checks.ts';

// node deploy/checks/cli.ts [repo-root]: prints every finding with file, path and fix; exit 1 if any.
const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argument = process.argv[2];
if (argument === '--help' || argument === '-h') {
  process.stdout.write(
    'node deploy/checks/cli.ts [repo-root]\n  checks the collector, LiteLLM, router, compose, dashboard and shell files\n  under <repo-root>/deploy against each other and the services; exit 1 on any finding\n',
  );
  process.exit(0);
}
const repoRoot = path.resolve(argument ?? defaultRoot);
if (!existsSync(path.join(repoRoot, 'deploy'))) {
  process.stderr.write(
    `deploy checks: ${repoRoot} has no deploy/ folder; pass the repository root\n`,
  );
  process.exit(2);
}

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
