import { containerDetector } from '@opentelemetry/resource-detector-container';
import {
  type DetectedResource,
  detectResources,
  hostDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import type { TracewireConfig } from '../config/types.ts';
import { TRACEWIRE_VERSION } from '../version.ts';

// Command-line arguments routinely carry tokens (`--token=...`); they never leave the
// process as resource attributes.
const WITHHELD_ATTRIBUTES = new Set(['process.command_args', 'process.command_line']);

function withoutWithheldAttributes(detector: ResourceDetector): ResourceDetector {
  return {
    detect(config): DetectedResource {
      const detected = detector.detect(config);
      if (!detected.attributes) return detected;
      const attributes = { ...detected.attributes };
      for (const key of WITHHELD_ATTRIBUTES) delete attributes[key];
      return { attributes };
    },
  };
}

/**
 * The OpenTelemetry resource every span and metric carries: who is speaking
 * (`service.name`, `service.version` = the Sentry release, `deployment.environment.name`
 * = the Sentry environment) and where it runs (instance, host, process, container).
 * Using the Sentry release and environment here is what lets Grafana and Sentry agree.
 */
export function createResource(config: TracewireConfig): Resource {
  const detected = detectResources({
    detectors: [
      serviceInstanceIdDetector,
      withoutWithheldAttributes(processDetector),
      hostDetector,
      containerDetector,
    ],
  });
  const identity = resourceFromAttributes({
    ...config.resourceAttributes,
    'service.name': config.serviceName,
    ...(config.release ? { 'service.version': config.release } : {}),
    'deployment.environment.name': config.environment,
    'telemetry.distro.name': 'tracewire',
    'telemetry.distro.version': TRACEWIRE_VERSION,
  });
  return detected.merge(identity);
}
