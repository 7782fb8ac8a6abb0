// Reading pcap files in tests, without tcpdump on the host: the global header, then the records
// as they arrive (a capture streams in chunks that cut records anywhere).

/** The classic pcap magic (microsecond timestamps), as tcpdump writes it on a little-endian host. */
export const PCAP_MAGIC = 0xa1b2c3d4;
export const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export interface Icmp {
  source: string;
  destination: string;
  /** 8: echo request, 0: echo reply. */
  type: number;
}

/** Feeds chunks of a pcap stream; yields each complete record's frame. */
export class PcapReader {
  private buffer = Buffer.alloc(0);
  magic: number | undefined;
  linkType: number | undefined;
  readonly frames: Buffer[] = [];

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.magic === undefined) {
      if (this.buffer.length < GLOBAL_HEADER) return;
      this.magic = this.buffer.readUInt32LE(0);
      this.linkType = this.buffer.readUInt32LE(20);
      this.buffer = this.buffer.subarray(GLOBAL_HEADER);
    }
    while (this.buffer.length >= RECORD_HEADER) {
      const length = this.buffer.readUInt32LE(8);
      if (this.buffer.length < RECORD_HEADER + length) return;
      this.frames.push(this.buffer.subarray(RECORD_HEADER, RECORD_HEADER + length));
      this.buffer = this.buffer.subarray(RECORD_HEADER + length);
    }
  }

  /** Bytes after the last complete record: none in a well-formed file. */
  get leftover(): number {
    return this.buffer.length;
  }

  /** The ICMP messages among the frames (Ethernet, IPv4). */
  icmp(): Icmp[] {
    return this.frames.flatMap((frame) => {
      if (frame.length < 34 || frame.readUInt16BE(12) !== 0x0800 || frame[23] !== 1) return [];
      const ip = frame.subarray(14);
      const headerLength = ((ip[0] as number) & 0x0f) * 4;
      return [
        {
          source: [...ip.subarray(12, 16)].join("."),
          destination: [...ip.subarray(16, 20)].join("."),
          type: ip[headerLength] as number,
        },
      ];
    });
  }
}
