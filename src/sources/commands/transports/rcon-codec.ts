/**
 * The Source RCON packet codec (PROTOCOLS.md section 1): little-endian size, id and type, a
 * null-terminated body and an empty string. Framing is on the size field, never on TCP chunks.
 */
import { GustError } from '../../../errors.ts';

/** A sane upper bound on one packet; past it the stream is not RCON. */
export const MAX_PACKET_BYTES = 1024 * 1024;

export interface RconPacket {
  id: number;
  type: number;
  /** Without the two trailing null bytes; decoded only once the reply is whole. */
  body: Buffer;
}

export function encodePacket(id: number, type: number, body: string): Buffer {
  const bodyBytes = Buffer.from(body, 'utf8');
  const buf = Buffer.alloc(14 + bodyBytes.length);
  buf.writeInt32LE(10 + bodyBytes.length, 0);
  buf.writeInt32LE(id, 4);
  buf.writeInt32LE(type, 8);
  bodyBytes.copy(buf, 12);
  // The last two bytes stay 0: body terminator and the empty string.
  return buf;
}

/** Decodes complete packets from a growing buffer; returns the packets and the unread rest. */
export function decodePackets(buf: Buffer, maxPacketBytes = MAX_PACKET_BYTES): { packets: RconPacket[]; rest: Buffer } {
  const packets: RconPacket[] = [];
  let offset = 0;
  while (buf.length - offset >= 4) {
    const size = buf.readInt32LE(offset);
    if (size < 10 || size > maxPacketBytes) throw new GustError('GUST_RCON_PROTOCOL', `invalid RCON packet size ${size}`);
    if (buf.length - offset - 4 < size) break;
    packets.push(packetAt(buf, offset, size));
    offset += 4 + size;
  }
  return { packets, rest: buf.subarray(offset) };
}

export function packetAt(buf: Buffer, offset: number, size: number): RconPacket {
  const end = Math.min(buf.length, offset + 4 + size);
  let bodyEnd = end;
  while (bodyEnd > offset + 12 && buf[bodyEnd - 1] === 0) bodyEnd--;
  // A view into `buf`: a caller that keeps a body copies it (a kept view would keep the whole
  // receive buffer alive), and packets nobody waits for cost no copy.
  return { id: buf.readInt32LE(offset + 4), type: buf.readInt32LE(offset + 8), body: buf.subarray(offset + 12, bodyEnd) };
}
