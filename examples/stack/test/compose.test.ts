// docker-compose.yml: valid for Docker Compose, images pinned, and the services wired the
// way the collector, Prometheus and Grafana configs expect.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExecutable, RUNNING_IN_CI, readStackYaml, STACK_DIR, stackPath } from './helpers/stack-files.ts';

interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  init?: boolean;
  command?: string[];
  user?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  logging?: { driver: string; options?: Record<string, string> };
  depends_on?: string[] | Record<string, unknown>;
}

interface PrometheusConfig {
  scrape_configs: { job_name: string; honor_labels?: boolean; static_configs: { targets: string[] }[] }[];
}

const compose = readStackYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
const services = compose.services;
// Each image builds the workspace packages, so its build context is the repository root.
const APP_SERVICES = {
  'express-api': 'examples/express-api/Dockerfile',
  'fastify-app': 'examples/fastify-app/Dockerfile',
  'koa-app': 'examples/koa-app/Dockerfile',
};
const BACKENDS = ['otel-collector', 'tempo', 'loki', 'prometheus', 'grafana'];
const SEED_VARIABLES = ['SENTRY_DSN', 'SENTRY_ENVIRONMENT', 'SENTRY_TRACE_SAMPLE_RATE', 'SENTRY_RELEASE'];

describe('docker-compose.yml', () => {
  const dockerCompose = findExecutable('docker-compose');
  // An empty environment: the file must not depend on variables being set. The build
  // contexts (the repository root) and Dockerfiles exist in the checkout itself.
  const runConfig = () =>
    spawnSync(dockerCompose as string, ['config', '-q'], {
      cwd: STACK_DIR,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });

  if (dockerCompose) {
    it('passes `docker-compose config -q`', () => {
      const result = runConfig();
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });
  } else if (RUNNING_IN_CI) {
    it('needs docker-compose, which .ci/run installs', () => {
      throw new Error('docker-compose is not on PATH: .ci/run installs the Debian "docker-compose" package');
    });
  } else {
    it.skip('skipped: docker-compose is not installed (apt-get install docker-compose)', () => {});
  }

  it('runs the collector, Tempo, Loki, Prometheus, Grafana and the three example services', () => {
    expect(Object.keys(services).sort()).toEqual([...BACKENDS, ...Object.keys(APP_SERVICES)].sort());
  });

  it('pins every image to an exact version', () => {
    const images = BACKENDS.map((name) => services[name]?.image ?? '');
    for (const image of images) {
      expect(image, image).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/);
      expect(image).not.toMatch(/:latest$/);
    }
    expect(images.map((image) => image.split(':')[0])).toEqual([
      'otel/opentelemetry-collector-contrib',
      'grafana/tempo',
      'grafana/loki',
      'prom/prometheus',
      'grafana/grafana',
    ]);
  });

  it('mounts only files that exist in the stack folder', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('./')) expect(existsSync(stackPath(source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  describe.each(Object.entries(APP_SERVICES))('%s', (name, dockerfile) => {
    const service = services[name] as ComposeService;
    const environment = service.environment ?? {};

    it('is built from its Dockerfile and started with the tracewire register entry under an init', () => {
      expect(service.build).toEqual({ context: '../..', dockerfile });
      expect(existsSync(path.join(STACK_DIR, '../..', dockerfile))).toBe(true);
      expect(service.init).toBe(true);
      expect(service.command?.slice(0, 3)).toEqual(['node', '--import', '@tracewire/core/register']);
    });

    it('gets the seed variables, the collector endpoint, its name and the Grafana URL', () => {
      for (const variable of SEED_VARIABLES) expect(environment).toHaveProperty(variable);
      expect(environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
      expect(environment.OTEL_SERVICE_NAME).toBe(name);
      expect(environment.TRACEWIRE_GRAFANA_URL).toBeTruthy();
    });

    it('serves /metrics where Prometheus scrapes it, under a job named after the service', () => {
      expect(environment.TRACEWIRE_METRICS).toBe('prometheus');
      const prometheus = readStackYaml<PrometheusConfig>('prometheus.yml');
      const job = prometheus.scrape_configs.find(
        (config) => config.job_name === environment.OTEL_SERVICE_NAME,
      );
      expect(job?.static_configs.flatMap((config) => config.targets)).toEqual([
        `${name}:${environment.TRACEWIRE_PROMETHEUS_PORT}`,
      ]);
    });

    it('tags its log lines with the service name the collector routes by', () => {
      expect(service.logging?.driver).toBe('json-file');
      expect(service.logging?.options?.env).toBe('OTEL_SERVICE_NAME');
    });
  });

  it('gives every example service its own port', () => {
    const ports = Object.keys(APP_SERVICES).map((name) => services[name]?.environment?.PORT);
    expect(new Set(ports).size).toBe(3);
    for (const name of Object.keys(APP_SERVICES)) {
      const port = services[name]?.environment?.PORT;
      expect(services[name]?.ports).toEqual([`${port}:${port}`]);
    }
  });

  it('lets the collector read the Docker container logs', () => {
    const collector = services['otel-collector'] as ComposeService;
    expect(collector.volumes).toContain('/var/lib/docker/containers:/var/lib/docker/containers:ro');
    expect(collector.user).toBe('0:0');
  });

  it('starts Prometheus with exemplar storage and the remote-write receiver Tempo writes to', () => {
    const command = services.prometheus?.command ?? [];
    expect(command).toContain('--enable-feature=exemplar-storage');
    expect(command).toContain('--web.enable-remote-write-receiver');
    expect(command).toContain('--config.file=/etc/prometheus/prometheus.yml');
  });

  it('installs the Sentry datasource plugin and passes Grafana the Sentry variables', () => {
    const environment = services.grafana?.environment ?? {};
    expect(environment.GF_PLUGINS_PREINSTALL_SYNC).toBe('grafana-sentry-datasource');
    for (const variable of ['SENTRY_INTERNAL_URL', 'SENTRY_ORG', 'SENTRY_AUTH_TOKEN', 'SENTRY_URL']) {
      expect(environment).toHaveProperty(variable);
    }
  });
});
