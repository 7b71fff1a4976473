import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Document, parseDocument } from 'yaml';
import type { Finding, RuleId } from '../../checks/finding.ts';
import { type CheckReport, runChecks } from '../../checks/run-checks.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const realDeployDir = path.resolve(here, '..', '..');
export const realRepoRoot = path.dirname(realDeployDir);

// The metric names DESIGN.md promises, written as each service's metric-names.ts would be, so
// the rule tests do not depend on the services' own files.
const fixtureMetricNames: Record<string, Record<string, string>> = {
  'exo-router': {
    requestDuration: 'gen_ai.server.request.duration',
    timeToFirstToken: 'gen_ai.server.time_to_first_token',
    tokenUsage: 'gen_ai.client.token.usage',
    inFlight: 'exo_router.requests.in_flight',
    loadDuration: 'exo_router.model.load.duration',
    loads: 'exo_router.model.loads',
    evictions: 'exo_router.model.evictions',
    loaded: 'exo_router.models.loaded',
    queueWait: 'exo_router.queue.wait',
  },
  'macmon-exporter': {
    total: 'mac.power.total',
    cpu: 'mac.power.cpu',
    gpu: 'mac.power.gpu',
    ane: 'mac.power.ane',
    ram: 'mac.power.ram',
    system: 'mac.power.system',
    energy: 'mac.energy.total',
  },
  'nvidia-power-exporter': { board: 'gpu.power.board', energy: 'gpu.energy.board' },
};

export interface Workspace {
  readonly root: string;
  readonly deployDir: string;
  readonly servicesDir: string;
  file(relative: string): string;
  read(relative: string): Promise<string>;
  write(relative: string, text: string): Promise<void>;
  replace(relative: string, from: string | RegExp, to: string): Promise<void>;
  editYaml(relative: string, edit: (doc: Document) => void): Promise<void>;
  check(options?: {
    dockerCompose?: string | false;
    shellcheck?: string | false;
  }): Promise<CheckReport>;
  close(): Promise<void>;
}

/**
 * A temporary repository with a copy of the real deploy files and fixture services (metric-names
 * files with DESIGN's names; exo-router's real config parser linked in), for breaking one file.
 */
export async function makeWorkspace(): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'llm-lab-deploy-'));
  const deployDir = path.join(root, 'deploy');
  const servicesDir = path.join(root, 'services');

  await cp(realDeployDir, deployDir, {
    recursive: true,
    filter: (source) => !['node_modules', 'test', '.env'].includes(path.basename(source)),
  });
  for (const [service, names] of Object.entries(fixtureMetricNames)) {
    await writeMetricNames(servicesDir, service, names);
  }
  const routerSrc = path.join(realRepoRoot, 'services', 'exo-router');
  await symlink(
    path.join(routerSrc, 'src', 'config.ts'),
    path.join(servicesDir, 'exo-router', 'src', 'config.ts'),
  );
  // The compose files build from the services' Dockerfiles; the copies keep those paths valid.
  for (const service of await readdir(path.join(realRepoRoot, 'services'))) {
    const dockerfile = path.join(realRepoRoot, 'services', service, 'Dockerfile');
    if (!existsSync(dockerfile)) continue;
    await mkdir(path.join(servicesDir, service), { recursive: true });
    await cp(dockerfile, path.join(servicesDir, service, 'Dockerfile'));
  }

  const file = (relative: string) => path.join(root, relative);
  const read = (relative: string) => readFile(file(relative), 'utf8');
  const write = async (relative: string, text: string) => {
    await mkdir(path.dirname(file(relative)), { recursive: true });
    await writeFile(file(relative), text);
  };
  return {
    root,
    deployDir,
    servicesDir,
    file,
    read,
    write,
    async replace(relative, from, to) {
      const text = await read(relative);
      const next = text.replace(from, to);
      if (next === text) throw new Error(`${relative}: nothing matched ${String(from)}`);
      await write(relative, next);
    },
    async editYaml(relative, edit) {
      const doc = parseDocument(await read(relative));
      edit(doc);
      await write(relative, doc.toString());
    },
    check: (options = {}) =>
      runChecks({ deployDir, servicesDir, dockerCompose: false, shellcheck: false, ...options }),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * One scratch workspace for a test file: `files` are put back as they were after each test, and
 * the workspace is removed after the last one. Returns a getter for the open workspace.
 */
export function useWorkspace(files: string[]): () => Workspace {
  let ws: Workspace | undefined;
  const originals = new Map<string, string>();
  before(async () => {
    ws = await makeWorkspace();
    for (const file of files) originals.set(file, await ws.read(file));
  });
  afterEach(async () => {
    for (const [file, text] of originals) await ws?.write(file, text);
  });
  after(() => ws?.close());
  return () => {
    if (!ws) throw new Error('the workspace is opened in before()');
    return ws;
  };
}

export async function writeMetricNames(
  servicesDir: string,
  service: string,
  names: Record<string, unknown>,
): Promise<void> {
  const dir = path.join(servicesDir, service, 'src');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(servicesDir, service, 'package.json'),
    `{"name":"${service}","type":"module"}\n`,
  );
  const body = `export const metricNames = ${JSON.stringify(names, null, 2)} as const;\n`;
  await writeFile(path.join(dir, 'metric-names.ts'), body);
}

/** The findings of one rule; fails when there are none or when another rule also fired. */
export function findingsOf(report: CheckReport, rule: RuleId): Finding[] {
  const others = report.findings.filter((f) => f.rule !== rule);
  if (others.length > 0) {
    throw new Error(
      `unexpected findings besides ${rule}:\n${others.map((f) => JSON.stringify(f)).join('\n')}`,
    );
  }
  const mine = report.findings.filter((f) => f.rule === rule);
  if (mine.length === 0) throw new Error(`expected a ${rule} finding, got none`);
  return mine;
}
