import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { checkCollector } from './collector.ts';
import {
  checkComposePaths,
  checkComposeSchema,
  checkComposeWithTool,
  serviceEnvironment,
} from './compose.ts';
import { checkDashboards } from './dashboards.ts';
import { loadEmittedMetrics } from './emitted-metrics.ts';
import {
  checkEnvCommented,
  checkEnvListed,
  type EnvExample,
  findEnvReferences,
  readEnvExample,
} from './env-vars.ts';
import type { Finding } from './finding.ts';
import { checkLitellm, checkLitellmProbe, type EnvSource } from './litellm.ts';
import { readRouterModels } from './router-config.ts';
import { checkRouterConfigWithRouter } from './router-parser.ts';
import { checkShellScripts } from './shell.ts';
import { asMap, type LoadedYaml, loadYaml } from './yaml-file.ts';

export interface CheckOptions {
  /** The deploy folder (`<repo>/deploy`); findings name files relative to its parent. */
  readonly deployDir: string;
  /** The services folder: each service's src/metric-names.ts and exo-router's config parser. */
  readonly servicesDir: string;
  /** Binary names to try, or false to skip that tool. */
  readonly dockerCompose?: string | false;
  readonly shellcheck?: string | false;
}

export interface CheckReport {
  readonly findings: Finding[];
  /** Optional tool checks that did not run, each with the reason. */
  readonly skipped: string[];
}

/** What every step needs: where files are, how to name them, and the parsed env examples. */
interface Context {
  readonly options: CheckOptions;
  readonly at: (...parts: string[]) => string;
  readonly label: (file: string) => string;
  readonly env: EnvExample;
  readonly litellmEnv: EnvExample;
  readonly report: CheckReport;
}

/** Runs every deploy check over the files under the deploy folder. */
export async function runChecks(options: CheckOptions): Promise<CheckReport> {
  const deploy = path.resolve(options.deployDir);
  const at = (...parts: string[]) => path.join(deploy, ...parts);
  const label = (file: string) => path.relative(path.dirname(deploy), path.resolve(file));
  const report: CheckReport = { findings: [], skipped: [] };

  const env = await readEnvExample(at('.env.example'), label(at('.env.example')));
  const litellmEnvFile = at('litellm', '.env.example');
  const litellmEnv = await readEnvExample(litellmEnvFile, label(litellmEnvFile));
  report.findings.push(...env.findings, ...checkEnvCommented(env, label(at('.env.example'))));
  report.findings.push(
    ...litellmEnv.findings,
    ...checkEnvCommented(litellmEnv, label(litellmEnvFile)),
  );

  const context: Context = { options, at, label, env, litellmEnv, report };
  await checkCollectorFile(context);
  const router = await checkRouterFile(context);
  const litellmCompose = await checkComposeFiles(context);
  await checkLitellmFiles(context, router, litellmCompose);
  await checkDashboardFiles(context);
  await checkShell(context, deploy);
  return report;
}

const envValues = (example: EnvExample) =>
  new Map([...example.vars].map(([name, entry]) => [name, entry.value]));

async function checkCollectorFile({ at, label, env, report }: Context): Promise<void> {
  const file = at('otelcol', 'config.yaml');
  const loaded = await loadYaml(file, label(file));
  report.findings.push(...loaded.findings);
  if (loaded.value === undefined) return;

  const refs = findEnvReferences(loaded.text, 'collector');
  report.findings.push(...checkCollector(loaded.value, label(file)));
  report.findings.push(...checkEnvListed(refs, env, label(file), '.env.example'));
}

async function checkRouterFile({ options, at, label, env, report }: Context): Promise<LoadedYaml> {
  const file = at('exo-router', 'config.yaml');
  const loaded = await loadYaml(file, label(file));
  report.findings.push(...loaded.findings);
  if (loaded.value === undefined) return loaded;

  const refs = findEnvReferences(loaded.text, 'collector');
  report.findings.push(...checkEnvListed(refs, env, label(file), '.env.example'));
  report.findings.push(
    ...(await checkRouterConfigWithRouter(
      options.servicesDir,
      label,
      loaded.value,
      envValues(env),
      label(file),
    )),
  );
  return loaded;
}

/** Checks every compose file; returns the environment each gives the litellm service. */
async function checkComposeFiles(context: Context): Promise<EnvSource[]> {
  const { options, at, label, env, report } = context;
  const dir = at('compose');
  const names = await readdir(dir).catch(() => [] as string[]);
  const litellmEnv: EnvSource[] = [];

  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = path.join(dir, name);
    const loaded = await loadYaml(file, label(file));
    report.findings.push(...loaded.findings);
    if (loaded.value === undefined) continue;

    const refs = findEnvReferences(loaded.text, 'compose');
    report.findings.push(...checkEnvListed(refs, env, label(file), '.env.example'));
    report.findings.push(...(await checkComposeSchema(loaded.value, label(file))));
    report.findings.push(...(await checkComposePaths(loaded.value, label(file), file)));

    const services = asMap(asMap(loaded.value).services);
    if ('litellm' in services) {
      const where = `${label(file)} (services.litellm.environment)`;
      litellmEnv.push({ label: where, env: serviceEnvironment(loaded.value, 'litellm') });
      report.findings.push(...checkLitellmProbe(services.litellm, label(file), 'litellm'));
    }

    if (options.dockerCompose === false) continue;
    const tool = await checkComposeWithTool(
      file,
      label(file),
      at('.env.example'),
      options.dockerCompose,
    );
    if (tool !== undefined) report.findings.push(...tool);
    else
      report.skipped.push(
        `docker-compose is not installed; ${label(file)} was checked by schema only`,
      );
  }
  return litellmEnv;
}

async function checkLitellmFiles(
  { at, label, litellmEnv, report }: Context,
  router: LoadedYaml,
  composeEnv: readonly EnvSource[],
): Promise<void> {
  const file = at('litellm', 'config.yaml');
  const loaded = await loadYaml(file, label(file));
  report.findings.push(...loaded.findings);
  if (loaded.value === undefined) return;

  const refs = findEnvReferences(loaded.text, 'litellm');
  report.findings.push(...checkEnvListed(refs, litellmEnv, label(file), 'litellm/.env.example'));

  const exampleFile = label(at('litellm', '.env.example'));
  const envSources = [...composeEnv, { label: exampleFile, env: envValues(litellmEnv) }];
  report.findings.push(
    ...checkLitellm({
      config: loaded.value,
      file: label(file),
      router: readRouterModels(router.value),
      routerFile: label(at('exo-router', 'config.yaml')),
      envSources,
    }),
  );
}

async function checkDashboardFiles({ options, at, label, report }: Context): Promise<void> {
  const emitted = await loadEmittedMetrics(options.servicesDir, label);
  report.findings.push(...emitted.findings);
  report.findings.push(...(await checkDashboards(at('dashboards'), emitted.names, label)));
}

async function checkShell({ options, label, report }: Context, deploy: string): Promise<void> {
  if (options.shellcheck === false) return;

  const shell = await checkShellScripts(deploy, label, options.shellcheck);
  if (shell !== undefined) report.findings.push(...shell);
  else report.skipped.push('shellcheck is not installed; shell scripts were not linted');
}
