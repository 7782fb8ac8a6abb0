// asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one
// JSON array per event, `[seconds since the start, code, data]`: "o" output, "i" input, "r"
// resize ("COLSxROWS"). Event data are strings; each direction has its own UTF-8 decoder, so a
// character split across two reads is written whole in the event that completes it.
// Pure: lines go to a sink, which the recorder points at a file.
import { StringDecoder } from "node:string_decoder";

export interface AsciicastHeader {
  width: number;
  height: number;
  /** When the session started, epoch ms. */
  startedAt: number;
  env: Record<string, string>;
}

export class AsciicastWriter {
  private readonly sink: (line: string) => void;
  private readonly startedAt: number;
  private readonly maxBytes: number;
  private readonly admit: (bytes: number) => string | null;
  private readonly decoders = { o: new StringDecoder("utf8"), i: new StringDecoder("utf8") };
  private written = 0;
  private stopped: string | null = null;

  /**
   * Writes the header at once; events stop once the file would pass `maxBytes`, or once `admit`
   * refuses an event's bytes (with a reason for people; it counts those it admits).
   */
  constructor(
    sink: (line: string) => void,
    header: AsciicastHeader,
    maxBytes: number,
    admit: (bytes: number) => string | null = () => null,
  ) {
    this.sink = sink;
    this.startedAt = header.startedAt;
    this.maxBytes = maxBytes;
    this.admit = admit;
    this.emit(
      JSON.stringify({
        version: 2,
        width: header.width,
        height: header.height,
        timestamp: Math.floor(header.startedAt / 1000),
        env: header.env,
      }),
      true,
    );
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.written;
  }

  /** Whether events were left out because of the size cap or a refusal of `admit`. */
  get truncated(): boolean {
    return this.stopped !== null;
  }

  /** Why events are left out; null while they are not. */
  get stopReason(): string | null {
    return this.stopped;
  }

  output(chunk: Buffer, at: number): void {
    this.event(at, "o", this.decoders.o.write(chunk));
  }

  input(chunk: Buffer, at: number): void {
    this.event(at, "i", this.decoders.i.write(chunk));
  }

  resize(cols: number, rows: number, at: number): void {
    this.event(at, "r", `${cols}x${rows}`);
  }

  /** Writes what the decoders still hold (an incomplete character, as U+FFFD). */
  end(at: number): void {
    this.event(at, "o", this.decoders.o.end());
    this.event(at, "i", this.decoders.i.end());
  }

  private event(at: number, code: string, data: string): void {
    if (data === "" || this.stopped !== null) return;
    const seconds = Math.max(0, at - this.startedAt) / 1000;
    this.emit(JSON.stringify([Number(seconds.toFixed(6)), code, data]), false);
  }

  private emit(json: string, always: boolean): void {
    const line = `${json}\n`;
    const size = Buffer.byteLength(line);
    if (!always) {
      const refused =
        this.written + size > this.maxBytes
          ? `the recording reached its size limit of ${Math.floor(this.maxBytes / 1024 ** 2)} MiB`
          : this.admit(size);
      if (refused !== null) {
        this.stopped = refused;
        return;
      }
    }
    this.written += size;
    this.sink(line);
  }
}
