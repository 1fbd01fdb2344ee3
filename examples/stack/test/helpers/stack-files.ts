// Reading the stack's files the way the tools that consume them do.
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const STACK_DIR = fileURLToPath(new URL('../..', import.meta.url));

export function stackPath(...segments: string[]): string {
  return path.join(STACK_DIR, ...segments);
}

export function readStackFile(...segments: string[]): string {
  return readFileSync(stackPath(...segments), 'utf8');
}

/** YAML as Docker Compose, the collector and Grafana read it: `<<` merge keys resolved. */
export function readStackYaml<T = Record<string, unknown>>(...segments: string[]): T {
  return parse(readStackFile(...segments), { merge: true }) as T;
}

/** A Grafana panel, as far as these tests look into it. */
export interface DashboardPanel {
  id?: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
  fieldConfig?: { defaults?: { links?: { title: string; url: string }[] } };
}

export interface DashboardTarget {
  refId: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  exemplar?: boolean;
  queryType?: string;
  [field: string]: unknown;
}

export interface Dashboard {
  uid: string;
  title: string;
  refresh?: string;
  time?: { from: string; to: string };
  templating?: {
    list: { name: string; type: string; datasource?: { type?: string; uid?: string }; query?: unknown }[];
  };
  panels: DashboardPanel[];
}

export function readDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(stackPath('grafana', 'dashboards'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(readStackFile('grafana', 'dashboards', file)) as Dashboard,
    }));
}

/** Every panel of a dashboard, including those inside rows. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  const panels: DashboardPanel[] = [];
  const visit = (list: DashboardPanel[] | undefined) => {
    for (const panel of list ?? []) {
      panels.push(panel);
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  return panels;
}

/** Every PromQL expression on the dashboards, with where it comes from. */
export function prometheusExpressions(): { where: string; expr: string }[] {
  const found: { where: string; expr: string }[] = [];
  for (const { file, dashboard } of readDashboards()) {
    for (const panel of allPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const uid = target.datasource?.uid ?? panel.datasource?.uid;
        if (uid === 'prometheus' && typeof target.expr === 'string') {
          found.push({ where: `${file} / ${panel.title} / ${target.refId}`, expr: target.expr });
        }
      }
    }
  }
  return found;
}

/** The absolute path of an executable on PATH, if there is one. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** CI installs the Debian tools these tests drive (.ci/run); elsewhere they are optional. */
export const RUNNING_IN_CI = process.env.CI === 'true';
