import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { Finding } from './finding.ts';
import { asList, asMap } from './yaml-file.ts';

const run = promisify(execFile);
const schemaFile = new URL('./schema/compose-spec.json', import.meta.url);

let validator: (((data: unknown) => boolean) & { errors?: unknown }) | undefined;

/** Validates a parsed compose file against the vendored compose-spec JSON schema. */
export async function checkComposeSchema(compose: unknown, file: string): Promise<Finding[]> {
  const validate = await schemaValidator();
  if (validate(compose)) return [];

  const errors = (validate.errors ?? []) as {
    instancePath: string;
    message?: string;
    params: unknown;
  }[];
  return errors.map((error) => ({
    rule: 'compose-schema' as const,
    file,
    path: error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)',
    problem: `compose-spec schema: ${error.message ?? 'invalid'} ${JSON.stringify(error.params)}`,
    fix: 'write this key as the Compose Specification defines it',
  }));
}

async function schemaValidator() {
  if (validator !== undefined) return validator;
  const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as Record<string, unknown>;
  // The file names its draft as ".../draft/2019-09/schema#", a URI ajv does not register, and
  // uses draft-04 style "id" keys, which ajv rejects; neither changes what the schema accepts.
  delete schema.$schema;
  dropDraft4Ids(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const loose of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(loose, true);
  validator = ajv.compile(schema);
  return validator;
}

function dropDraft4Ids(node: unknown, underProperties = false): void {
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (!underProperties && typeof record.id === 'string') delete record.id;
  for (const [key, child] of Object.entries(record)) {
    dropDraft4Ids(child, !underProperties && (key === 'properties' || key === 'patternProperties'));
  }
}

/** Every relative path a compose file points at (bind mounts, build contexts, Dockerfiles, env files). */
export async function checkComposePaths(compose: unknown, file: string, absFile: string) {
  const base = path.dirname(absFile);
  const findings: Finding[] = [];
  const missing = async (where: string, relative: string, what: string) => {
    if (
      await access(path.resolve(base, relative)).then(
        () => true,
        () => false,
      )
    )
      return;
    findings.push({
      rule: 'compose-mount-missing',
      file,
      path: where,
      problem: `${what} "${relative}" does not exist (resolved from ${path.basename(absFile)}'s folder)`,
      fix: 'correct the path or add the file it names',
    });
  };

  for (const [name, body] of Object.entries(asMap(asMap(compose).services))) {
    const service = asMap(body);
    for (const [i, volume] of asList(service.volumes).entries()) {
      const source =
        typeof volume === 'string' ? volume.split(':')[0] : String(asMap(volume).source ?? '');
      if (source?.startsWith('.')) {
        await missing(`services.${name}.volumes[${i}]`, source, 'bind-mount source');
      }
    }
    const build = asMap(service.build);
    if (typeof build.context === 'string') {
      await missing(`services.${name}.build.context`, build.context, 'build context');
      if (typeof build.dockerfile === 'string') {
        const dockerfile = path.join(build.context, build.dockerfile);
        await missing(`services.${name}.build.dockerfile`, dockerfile, 'Dockerfile');
      }
    }
    for (const envFile of asList(service.env_file)) {
      await missing(`services.${name}.env_file`, String(envFile), 'env file');
    }
  }
  return findings;
}

/**
 * Runs `docker-compose config -q` when the binary is installed; undefined when it is not, so
 * callers can tell a skipped check from a passing one.
 */
export async function checkComposeWithTool(
  absFile: string,
  file: string,
  envFile: string,
  binary = 'docker-compose',
): Promise<Finding[] | undefined> {
  try {
    await run(binary, ['--env-file', envFile, '-f', absFile, 'config', '-q'], {
      cwd: path.dirname(absFile),
      timeout: 60_000,
    });
    return [];
  } catch (err) {
    const failure = err as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') return undefined;
    const detail = (failure.stderr ?? failure.message).trim().split('\n').slice(-3).join(' ');
    return [
      {
        rule: 'compose-config',
        file,
        path: '',
        problem: `${binary} config rejects the file: ${detail}`,
        fix: `run "${binary} --env-file ${path.basename(envFile)} -f ${path.basename(absFile)} config" and fix what it names`,
      },
    ];
  }
}

/** The environment a compose service sets through `environment:` (map or list form). */
export function serviceEnvironment(compose: unknown, service: string): Map<string, string> {
  const environment = asMap(asMap(asMap(compose).services)[service]).environment;
  const env = new Map<string, string>();
  if (Array.isArray(environment)) {
    for (const item of environment.map(String)) {
      const eq = item.indexOf('=');
      if (eq > 0) env.set(item.slice(0, eq), item.slice(eq + 1));
    }
    return env;
  }
  for (const [key, value] of Object.entries(asMap(environment))) env.set(key, String(value ?? ''));
  return env;
}
