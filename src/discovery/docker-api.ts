/**
 * The two Docker Engine API calls discovery makes (GET /containers/json, GET
 * /containers/{id}/json) over the daemon's unix socket, the fields it reads from their
 * answers, and where the host reaches a container's port.
 */
import http from 'node:http';
import { portOf } from './games/types.ts';

/** No socket, or nobody listening on it: no Docker on this host, which is not a failure. */
export class DockerUnavailable extends Error {}

export interface ContainerSummary {
  Id: string;
  Names?: string[];
  State?: string;
}

/** The parts of GET /containers/{id}/json read here. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Config: { Image: string; Env?: string[] | null; Labels?: Record<string, string> | null };
  State?: { Running?: boolean; Pid?: number };
  HostConfig?: { NetworkMode?: string };
  Mounts?: Array<{ Source: string; Destination: string }>;
  NetworkSettings?: {
    IPAddress?: string;
    Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
    Networks?: Record<string, { IPAddress?: string }>;
  };
}

export function dockerGet<T>(socket: string, urlPath: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: socket, path: urlPath, timeout: 5000, headers: { host: 'docker' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`Docker API ${urlPath}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          reject(new Error(`Docker API ${urlPath}: invalid JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`Docker API ${urlPath}: no answer within 5 s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // No socket = no Docker on this host: not a failure. A socket we may not use is one.
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new DockerUnavailable(`${socket}: ${err.code}`));
      else if (err.code === 'EACCES') reject(new Error(`${socket}: cannot connect (EACCES); the agent's user needs to be in the docker group (rw on the socket)`));
      else reject(err);
    });
  });
}

/** Where the host reaches a container port: its published port, the host network, or the container's address. */
export function containerEndpoint(c: ContainerInspect, port: number): { host: string; port: number } | undefined {
  if (c.HostConfig?.NetworkMode === 'host') return { host: '127.0.0.1', port };
  for (const proto of ['tcp', 'udp']) {
    const binding = c.NetworkSettings?.Ports?.[`${port}/${proto}`]?.[0];
    const hostPort = portOf(binding?.HostPort);
    if (binding && hostPort) return { host: ['', '0.0.0.0', '::'].includes(binding.HostIp) ? '127.0.0.1' : binding.HostIp, port: hostPort };
  }
  const ip = c.NetworkSettings?.IPAddress || Object.values(c.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
  return ip ? { host: ip, port } : undefined;
}
