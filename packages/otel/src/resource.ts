import type { Attributes } from '@opentelemetry/api';
import type { LabSettings } from './settings.ts';
import type { TelemetryOptions } from './start.ts';

/**
 * The lab's resource attributes in two layers: `base` holds the service's own defaults, which
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES may override; `overrides` holds what LAB_*
 * variables set explicitly, which wins over everything.
 */
export function labResource(options: TelemetryOptions, settings: LabSettings) {
  const environment = options.defaults?.environment ?? 'lab';
  const base: Attributes = {
    'service.name': options.serviceName,
    'deployment.environment': environment,
    'deployment.environment.name': environment,
    'host.name': settings.hostName,
  };
  if (options.serviceVersion) base['service.version'] = options.serviceVersion;
  if (options.defaults?.cluster) base.cluster = options.defaults.cluster;

  const overrides: Attributes = {};
  if (settings.hostNameOverride) overrides['host.name'] = settings.hostNameOverride;
  if (settings.cluster) overrides.cluster = settings.cluster;
  if (settings.environment) {
    overrides['deployment.environment'] = settings.environment;
    overrides['deployment.environment.name'] = settings.environment;
  }
  return { base, overrides };
}
