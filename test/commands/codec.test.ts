/**
 * The Source RCON packet codec (PROTOCOLS.md section 1) against the fakes' independent codec:
 * little-endian size/id/type, a NUL-terminated body and an empty string, size = body + 10.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GustError } from '../../src/errors.ts';
import { decodePackets as decodeRaw, encodePacket } from '../../src/sources/commands/transports/rcon-codec.ts';

/** The codec keeps bodies as bytes (a reply is decoded once whole); compared here as text. */
function decodePackets(buf: Buffer) {
  const { packets, rest } = decodeRaw(buf);
  return { packets: packets.map((p) => ({ ...p, body: p.body.toString('utf8') })), rest };
}
import { packet, readPackets } from '../fakes/common.ts';

test('encode: the exact bytes of an EXEC packet, as the fakes read them', () => {
  const bytes = encodePacket(7, 2, 'status');
  assert.deepEqual([...bytes], [16, 0, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0, ...Buffer.from('status'), 0, 0]);
  assert.deepEqual(bytes, packet(7, 2, 'status'));
  // Size counts bytes, not characters.
  const utf8 = encodePacket(-1, 0, 'Zoë🎮');
  assert.equal(utf8.readInt32LE(0), 10 + Buffer.byteLength('Zoë🎮'));
  assert.equal(utf8.readInt32LE(4), -1);
  assert.deepEqual(readPackets(utf8).packets, [{ size: 10 + Buffer.byteLength('Zoë🎮'), id: -1, type: 0, body: 'Zoë🎮' }]);
  assert.deepEqual([...encodePacket(0x7fffffff, 3, '')], [10, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 3, 0, 0, 0, 0, 0]);
});

test('decode: several packets in one chunk, a partial one kept as the rest', () => {
  const a = packet(1, 0, 'first');
  const b = packet(2, 0, '');
  const c = packet(3, 2, 'third');
  const { packets, rest } = decodePackets(Buffer.concat([a, b, c.subarray(0, 9)]));
  assert.deepEqual(packets, [{ id: 1, type: 0, body: 'first' }, { id: 2, type: 0, body: '' }]);
  assert.deepEqual(rest, c.subarray(0, 9));
  assert.deepEqual(decodePackets(Buffer.concat([rest, c.subarray(9)])), { packets: [{ id: 3, type: 2, body: 'third' }], rest: Buffer.alloc(0) });
});

test('decode: fewer than 4 bytes wait for more; a packet one byte short waits', () => {
  for (const n of [0, 1, 3]) assert.deepEqual(decodePackets(Buffer.alloc(n, 0)), { packets: [], rest: Buffer.alloc(n, 0) });
  const p = packet(5, 0, 'abc');
  assert.deepEqual(decodePackets(p.subarray(0, p.length - 1)).packets, []);
  assert.deepEqual(decodePackets(p).packets, [{ id: 5, type: 0, body: 'abc' }]);
});

test('decode: the body ends at its terminators; the minecraft terminator reply keeps its 01 byte', () => {
  // SRCDS's mirror of the empty RESPONSE_VALUE: raw body 00 01 00 00 (size 12).
  const mirror = Buffer.from([12, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual(decodePackets(mirror).packets, [{ id: 9, type: 0, body: '\u0000\u0001' }]);
});

test('decode: a size below 10 or above 1 MiB is a protocol error (the stream is not RCON)', () => {
  const withSize = (size: number) => {
    const b = Buffer.alloc(14);
    b.writeInt32LE(size, 0);
    return b;
  };
  for (const size of [9, 0, -1, 1024 * 1024 + 1]) {
    assert.throws(() => decodePackets(withSize(size)), (err: unknown) => err instanceof GustError && err.code === 'GUST_RCON_PROTOCOL' && err.message === `invalid RCON packet size ${size}`, String(size));
  }
  assert.deepEqual(decodePackets(withSize(10)).packets, [{ id: 0, type: 0, body: '' }]);
  // The size alone (4 bytes) is enough to reject the stream.
  assert.throws(() => decodePackets(withSize(9).subarray(0, 4)), /invalid RCON packet size 9/);
  // Exactly 1 MiB is allowed: it waits for the rest instead of throwing.
  assert.deepEqual(decodePackets(withSize(1024 * 1024)).packets, []);
  // A bad size after a good packet is still found.
  assert.throws(() => decodePackets(Buffer.concat([packet(1, 0, 'ok'), withSize(3)])), /invalid RCON packet size 3/);
});

test('property: decode(encode(p)) gives p back, whatever the chunking', () => {
  const body = fc.string({ unit: 'grapheme', maxLength: 50 }).filter((s) => !s.includes('\u0000'));
  const pkt = fc.record({ id: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), type: fc.constantFrom(0, 2, 3), body });
  fc.assert(
    fc.property(fc.array(pkt, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 40 }), (packets, chunk) => {
      const stream = Buffer.concat(packets.map((p) => encodePacket(p.id, p.type, p.body)));
      const out: Array<{ id: number; type: number; body: string }> = [];
      let pending: Buffer = Buffer.alloc(0);
      for (let i = 0; i < stream.length; i += chunk) {
        const decoded = decodePackets(Buffer.concat([pending, stream.subarray(i, i + chunk)]));
        out.push(...decoded.packets);
        pending = decoded.rest;
      }
      assert.equal(pending.length, 0);
      assert.deepEqual(out, packets.map((p) => ({ ...p })));
    }),
    { numRuns: 200 },
  );
});
