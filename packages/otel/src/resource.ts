import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  type Resource,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import type { LabSettings } from './settings.ts';
import type { TelemetryOptions } from './start.ts';

/**
 * The process's resource, lowest precedence first: the SDK defaults, the service's own defaults,
 * host/os/process detection, OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, then whatever LAB_*
 * variables set explicitly.
 */
export function labResource(options: TelemetryOptions, settings: LabSettings): Resource {
  const environment = options.defaults?.environment ?? 'lab';
  const defaults: Attributes = {
    'service.name': options.serviceName,
    'deployment.environment': environment,
    'deployment.environment.name': environment,
    'host.name': settings.hostName,
  };
  if (options.serviceVersion) defaults['service.version'] = options.serviceVersion;
  if (options.defaults?.cluster) defaults.cluster = options.defaults.cluster;

  const overrides: Attributes = {};
  if (settings.serviceName) overrides['service.name'] = settings.serviceName;
  if (settings.hostNameOverride) overrides['host.name'] = settings.hostNameOverride;
  if (settings.cluster) overrides.cluster = settings.cluster;
  if (settings.environment) {
    overrides['deployment.environment'] = settings.environment;
    overrides['deployment.environment.name'] = settings.environment;
  }

  return defaultResource()
    .merge(resourceFromAttributes(defaults))
    .merge(
      detectResources({
        detectors: [hostDetector, osDetector, processDetector, serviceInstanceIdDetector],
      }),
    )
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector] }))
    .merge(resourceFromAttributes(overrides));
}
