/** Host figures read from the kernel: parsers on captured text, readers against df and /sys on this machine. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { diskIo, filesystemUsage, memoryInfo, networkBytes, parseDiskStats, parseMemInfo, parseMounts, parseNetDev, physicalDisks } from '../../src/sources/host/procfs.ts';

test('parseMounts keeps real filesystems once, decodes octal escapes, drops pseudo ones', () => {
  const mounts = parseMounts([
    'proc /proc proc rw,relatime 0 0',
    '/dev/vda / ext4 rw,relatime 0 0',
    'tmpfs /run tmpfs rw 0 0',
    'overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0',
    '/dev/sdb1 /srv/game\\040servers xfs rw 0 0',
    '/dev/vda / ext4 rw,relatime 0 0',
    'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0',
    '',
  ].join('\n'));
  assert.deepEqual(mounts, [
    { mountpoint: '/', fstype: 'ext4' },
    { mountpoint: '/run', fstype: 'tmpfs' },
    { mountpoint: '/srv/game servers', fstype: 'xfs' },
  ]);
});

test('parseDiskStats sums sectors of the given disks only, in bytes', () => {
  const text = [
    '   7       0 loop0 5 0 100 0 0 0 0 0 0 0 0',
    ' 253       0 vda 1000 10 2048 300 500 20 4096 700 0 800 1000',
    ' 253       1 vda1 900 10 2000 300 480 20 4000 700 0 800 1000',
    ' 259       0 nvme0n1 10 0 8 1 20 0 16 2 0 3 3',
  ].join('\n');
  assert.deepEqual(parseDiskStats(text, new Set(['vda', 'nvme0n1'])), { readBytes: (2048 + 8) * 512, writtenBytes: (4096 + 16) * 512 });
});

test('parseNetDev reads receive and transmit bytes per interface', () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 27740637607 7101747    0    0    0     0          0         0 27740637607 7101747    0    0    0     0       0          0
  eth0:    1234      10    0    0    0     0          0         0     5678      20    0    0    0     0       0          0
`;
  assert.deepEqual(parseNetDev(text), [
    { iface: 'lo', rxBytes: 27740637607, txBytes: 27740637607 },
    { iface: 'eth0', rxBytes: 1234, txBytes: 5678 },
  ]);
});

test('readers agree with df and /sys on this machine', async () => {
  const root = (await filesystemUsage()).find((f) => f.mountpoint === '/');
  assert.ok(root, 'the root filesystem is reported');
  const [, size, used] = execFileSync('df', ['-B1', '--output=source,size,used', '/'], { encoding: 'utf8' }).trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
  assert.equal(root.sizeBytes, size);
  assert.ok(Math.abs(root.usedBytes - used!) < 64 * 1024 * 1024, `used ${root.usedBytes} vs df ${used}`);

  const disks = await physicalDisks();
  for (const disk of disks) assert.ok(!/^(loop|ram|zram|dm-|md)/.test(disk), `${disk} is a physical disk`);
  const io = await diskIo(disks);
  assert.ok(io.readBytes >= 0 && io.writtenBytes >= 0);

  const before = Number(readFileSync('/sys/class/net/lo/statistics/rx_bytes', 'utf8'));
  const lo = (await networkBytes()).find((n) => n.iface === 'lo');
  assert.ok(lo && lo.rxBytes >= before, 'loopback counter read from /proc/net/dev is current');
});

test('parseMemInfo reads MemTotal and MemAvailable in bytes; memoryInfo agrees with free(1) on this machine', async () => {
  const text = 'MemTotal:       24568512 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\nBuffers:           1 kB\n';
  assert.deepEqual(parseMemInfo(text), { totalBytes: 24568512 * 1024, availableBytes: 20000000 * 1024 });
  assert.throws(() => parseMemInfo('MemTotal: 1 kB\n'), /MemAvailable/);
  const mem = await memoryInfo();
  const [, total, , , , , available] = execFileSync('free', ['-b'], { encoding: 'utf8' }).split('\n')[1]!.trim().split(/\s+/).map(Number);
  assert.equal(mem.totalBytes, total);
  assert.ok(Math.abs(mem.availableBytes - available!) < 256 * 1024 * 1024, `available ${mem.availableBytes} vs free ${available}`);
});
