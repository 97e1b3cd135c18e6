/**
 * Helpers for the deploy tests: the compose file as data, its bind mounts,
 * deploy/prometheus.yml rewritten to run here (rules copied from where compose mounts them),
 * and free loopback ports for services started by the tests.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DEPLOY = path.join(ROOT, 'deploy');

export interface ComposeService {
  image?: string;
  build?: unknown;
  volumes?: string[];
  configs?: { source: string; target: string }[];
  ports?: string[];
}
export interface Compose {
  services: Record<string, ComposeService>;
  configs: Record<string, { content?: string }>;
}

export const compose = parse(readFileSync(path.join(DEPLOY, 'docker-compose.yml'), 'utf8')) as Compose;
export const prometheusConfig = readFileSync(path.join(DEPLOY, 'prometheus.yml'), 'utf8');

/** The agent config compose gives the agent (inline `configs.content`). */
export const composeAgentConfig = (): string => compose.configs.gust_agent_config!.content!;

/** Bind mounts of a service: container path -> host path (relative sources resolved from deploy/). */
export function bindMounts(service: string): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const volume of compose.services[service]?.volumes ?? []) {
    const [source = '', target = ''] = volume.split(':');
    if (source.startsWith('.') || source.startsWith('/')) mounts.set(target, path.resolve(DEPLOY, source));
  }
  return mounts;
}

/**
 * deploy/prometheus.yml with each rules directory Prometheus mounts copied into `workDir` and
 * rule_files pointed at the copies. Returns the text and how many rule files were copied.
 */
export function prometheusConfigWithLocalRules(workDir: string): { config: string; ruleFiles: number } {
  let config = prometheusConfig;
  let ruleFiles = 0;
  for (const [target, source] of bindMounts('prometheus')) {
    if (!/\/etc\/prometheus\/(alerts|rules)$/.test(target)) continue;
    const copy = path.join(workDir, path.basename(target));
    cpSync(source, copy, { recursive: true });
    ruleFiles += readdirSync(copy).filter((f) => f.endsWith('.yml')).length;
    config = config.replaceAll(`${target}/`, `${copy}/`);
  }
  return { config, ruleFiles };
}

/** A loopback port nothing listens on right now, for services that cannot listen on port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
