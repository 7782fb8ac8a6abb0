// A DNS server that only listens: run in an engine's network namespace as that engine's upstream
// resolver, it prints one line per query it is sent (`udp NAME` or `tcp NAME`) and answers each
// with NXDOMAIN, so that whoever asked is not left waiting. `listening` once both sockets are bound.
// Usage: node dns-listener.ts ADDRESS (port 53).
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

const address = process.argv[2] ?? "127.0.0.1";

/** The first question's name; `?` when the message is too short or malformed to say. */
function questionName(message: Buffer): string {
  const labels: string[] = [];
  let offset = 12;
  while (offset < message.length) {
    const length = message[offset] ?? 0;
    if (length === 0) return labels.length === 0 ? "." : labels.join(".");
    if (length > 63 || offset + 1 + length > message.length) break;
    labels.push(message.toString("latin1", offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  return "?";
}

/** The query sent back as an answer: QR set, NXDOMAIN, no records. */
function nxdomain(query: Buffer): Buffer {
  const answer = Buffer.from(query);
  if (answer.length >= 4) {
    answer[2] = (answer[2] ?? 0) | 0x80;
    answer[3] = ((answer[3] ?? 0) & 0xf0) | 3;
  }
  return answer;
}

const udp = createSocket("udp4");
udp.on("message", (message, from) => {
  process.stdout.write(`udp ${questionName(message)}\n`);
  udp.send(nxdomain(message), from.port, from.address);
});

const tcp = createServer((socket) => {
  let pending = Buffer.alloc(0);
  socket.on("error", () => {});
  socket.on("data", (data) => {
    // Queries bigger than a DNS message cannot be: nothing is kept beyond one.
    pending = Buffer.concat([pending, data]).subarray(0, 2 + 65535);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + message.length);
      process.stdout.write(`tcp ${questionName(message)}\n`);
      const answer = nxdomain(message);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(answer.length);
      socket.write(Buffer.concat([length, answer]));
    }
  });
});

let bound = 0;
const ready = () => {
  bound += 1;
  if (bound === 2) process.stdout.write("listening\n");
};
udp.bind(53, address, ready);
tcp.listen(53, address, ready);
