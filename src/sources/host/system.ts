/**
 * CATALOGUE section G host series, sampled on `host.interval` in the background (a scrape never
 * waits for it): CPU and load from node:os, memory, filesystems, disks and network from the kernel
 * directly (procfs.ts; systeminformation alone added ~11 MiB RSS to every agent). Kernel counters (disk, network) are exported
 * as counters by adding the difference between samples.
 */
import os from 'node:os';
import { Counter, Gauge } from 'prom-client';
import type { AgentContext, Component } from '../../agent/context.ts';
import { BackgroundSampler } from '../../metrics/collector.ts';
import { diskIo, filesystemUsage, memoryInfo, networkBytes, physicalDisks } from './procfs.ts';

/** Follows a monotonic kernel value with a prom-client Counter (resets, e.g. an interface re-created, restart the delta). */
class CounterFollower<L extends string> {
  readonly #last = new Map<string, number>();
  constructor(private readonly counter: Counter<L>) {}
  update(labels: Partial<Record<L, string>>, value: number): void {
    if (!Number.isFinite(value)) return;
    const key = JSON.stringify(labels);
    const last = this.#last.get(key);
    this.#last.set(key, value);
    const delta = last === undefined || value < last ? value : value - last;
    this.counter.inc(labels, delta);
  }
}

export function createHostCollector(ctx: AgentContext): Component {
  const registers = [ctx.registry];
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });
  const cpu = g('gust_host_cpu_usage_ratio', 'Host CPU busy ratio (0-1) over the last sampling interval.');
  const load = [1, 5, 15].map((m) => g(`gust_host_load${m}`, `Host ${m}-minute load average.`));
  const memTotal = g('gust_host_memory_total_bytes', 'Host memory in total.');
  const memUsed = g('gust_host_memory_used_bytes', 'Host memory in use (total minus available).');
  const memAvailable = g('gust_host_memory_available_bytes', 'Host memory available for new work.');
  const fsSize = g('gust_host_filesystem_size_bytes', 'Filesystem size.', ['mountpoint']);
  const fsUsed = g('gust_host_filesystem_used_bytes', 'Filesystem space used.', ['mountpoint']);
  const diskRead = new CounterFollower(new Counter({ name: 'gust_host_disk_read_bytes_total', help: 'Bytes read from block devices.', registers }));
  const diskWritten = new CounterFollower(new Counter({ name: 'gust_host_disk_written_bytes_total', help: 'Bytes written to block devices.', registers }));
  const netRx = new CounterFollower(new Counter({ name: 'gust_host_network_receive_bytes_total', help: 'Bytes received per interface.', labelNames: ['interface'], registers }));
  const netTx = new CounterFollower(new Counter({ name: 'gust_host_network_transmit_bytes_total', help: 'Bytes sent per interface.', labelNames: ['interface'], registers }));

  let previousCpu = cpuTimes();
  let disks: Promise<Set<string>> | undefined; // hardware does not change while we run
  const sample = async () => {
    const exclude = ctx.config.host.filesystems_exclude.map((re) => new RegExp(re));
    const now = cpuTimes();
    const busy = now.busy - previousCpu.busy;
    const total = now.total - previousCpu.total;
    if (total > 0) cpu.set(busy / total);
    previousCpu = now;
    os.loadavg().forEach((v, i) => load[i]!.set(v));

    disks ??= physicalDisks();
    const [mem, filesystems, io, network] = await Promise.all([memoryInfo(), filesystemUsage(), disks.then(diskIo), networkBytes()]);
    memTotal.set(mem.totalBytes);
    memAvailable.set(mem.availableBytes);
    memUsed.set(mem.totalBytes - mem.availableBytes);
    fsSize.reset();
    fsUsed.reset();
    for (const fs of filesystems) {
      if (exclude.some((re) => re.test(fs.mountpoint))) continue;
      fsSize.set({ mountpoint: fs.mountpoint }, fs.sizeBytes);
      fsUsed.set({ mountpoint: fs.mountpoint }, fs.usedBytes);
    }
    diskRead.update({}, io.readBytes);
    diskWritten.update({}, io.writtenBytes);
    for (const iface of network) {
      netRx.update({ interface: iface.iface }, iface.rxBytes);
      netTx.update({ interface: iface.iface }, iface.txBytes);
    }
  };

  const sampler = () => new BackgroundSampler('host', ctx.collectors, ctx.config.host.interval, sample);
  let running: BackgroundSampler | undefined;
  return {
    name: 'host',
    async start() {
      if (!ctx.config.host.enabled) return;
      running = sampler();
      await running.start();
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
    async reload() {
      await this.stop();
      await this.start();
    },
  };
}

/** CPU busy/total jiffies summed over cores (os.cpus() is cheap and needs no subprocess). */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}
