/**
 * Memory, filesystem, disk and network figures read straight from the kernel (/proc, /sys, statfs).
 * systeminformation gets the same numbers by starting 5 processes per sample (`cat`, `df`,
 * `lsblk | grep`, `ip route`, two of them with execSync, blocking the event loop); that was a
 * visible share of the agent's idle CPU (bench scenario 2). Linux only, like the rest of G.
 */
import { readdir, readFile, statfs } from 'node:fs/promises';

/** Pseudo and read-only image filesystems, as node_exporter leaves them out by default. */
const PSEUDO_FS = /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$/;

export interface Mount {
  mountpoint: string;
  fstype: string;
}

/** Mount points of /proc/mounts worth reporting, each once (the first mount wins, like df). */
export function parseMounts(text: string): Mount[] {
  const seen = new Set<string>();
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [, rawMountpoint, fstype] = line.split(' ');
    if (!rawMountpoint || !fstype || PSEUDO_FS.test(fstype)) continue;
    // The kernel escapes space, tab, newline and backslash as octal (`\040`).
    const mountpoint = rawMountpoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    if (seen.has(mountpoint)) continue;
    seen.add(mountpoint);
    mounts.push({ mountpoint, fstype });
  }
  return mounts;
}

export interface FilesystemUsage {
  mountpoint: string;
  sizeBytes: number;
  usedBytes: number;
}

/** Size and used space (blocks minus free blocks, as `df` counts it) of each mount; unreadable ones are skipped. */
export async function filesystemUsage(): Promise<FilesystemUsage[]> {
  const mounts = parseMounts(await readFile('/proc/mounts', 'utf8'));
  const usage = await Promise.all(
    mounts.map(async ({ mountpoint }) => {
      try {
        const s = await statfs(mountpoint);
        return s.blocks > 0 ? { mountpoint, sizeBytes: s.blocks * s.bsize, usedBytes: (s.blocks - s.bfree) * s.bsize } : undefined;
      } catch {
        return undefined; // e.g. a network mount that hangs up, or a mount we may not enter
      }
    }),
  );
  return usage.filter((u) => u !== undefined);
}

/**
 * Bytes read and written by whole physical disks: /proc/diskstats sectors (always 512 bytes)
 * of the devices in `disks`. Partitions, loop, zram, device-mapper and md devices would count
 * the same I/O twice or count memory.
 */
export function parseDiskStats(text: string, disks: ReadonlySet<string>): { readBytes: number; writtenBytes: number } {
  let readBytes = 0;
  let writtenBytes = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !disks.has(f[2]!)) continue;
    readBytes += Number(f[5]) * 512;
    writtenBytes += Number(f[9]) * 512;
  }
  return { readBytes, writtenBytes };
}

/** Block devices backed by hardware (`/sys/block/X/device` exists): not loop, ram, zram, dm or md. */
export async function physicalDisks(): Promise<Set<string>> {
  const disks = new Set<string>();
  for (const name of await readdir('/sys/block').catch(() => [] as string[])) {
    const entries = await readdir(`/sys/block/${name}`).catch(() => [] as string[]);
    if (entries.includes('device')) disks.add(name);
  }
  return disks;
}

export async function diskIo(disks: ReadonlySet<string>): Promise<{ readBytes: number; writtenBytes: number }> {
  return parseDiskStats(await readFile('/proc/diskstats', 'utf8'), disks);
}

/** Receive and transmit byte counters per interface from /proc/net/dev. */
export function parseNetDev(text: string): Array<{ iface: string; rxBytes: number; txBytes: number }> {
  const out = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    out.push({ iface: line.slice(0, colon).trim(), rxBytes: Number(f[0]), txBytes: Number(f[8]) });
  }
  return out;
}

export async function networkBytes(): Promise<Array<{ iface: string; rxBytes: number; txBytes: number }>> {
  return parseNetDev(await readFile('/proc/net/dev', 'utf8'));
}

/** MemTotal and MemAvailable of /proc/meminfo, in bytes (what systeminformation's mem() reports as total and available). */
export function parseMemInfo(text: string): { totalBytes: number; availableBytes: number } {
  const kib = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${field}`);
    return Number(m[1]) * 1024;
  };
  return { totalBytes: kib('MemTotal'), availableBytes: kib('MemAvailable') };
}

export async function memoryInfo(): Promise<{ totalBytes: number; availableBytes: number }> {
  return parseMemInfo(await readFile('/proc/meminfo', 'utf8'));
}
