// Before signing in, clients send terminal frames of 32 MiB and hellos far larger than any hello
// (ws took frames of up to 100 MiB): each socket is closed before its frame is kept, the service's
// memory stays bounded, and a student's terminal works meanwhile.
import { expect, it } from "vitest";
import WebSocket from "ws";
import { answers, echoes, hostileSuite, MEMORY_GROWTH_LIMIT, watchMemory } from "./harness.ts";

const suite = hostileSuite(1);

/** Opens a terminal socket, sends `first`, and resolves with the close code. */
function attack(lab: string, first: Buffer | string): Promise<number> {
  const socket = new WebSocket(`${suite().ws}/api/labs/${lab}/nodes/alpha/terminal`);
  socket.on("open", () => socket.send(first));
  socket.on("error", () => {}); // the server ends an oversized frame abruptly
  return new Promise((resolve) => socket.on("close", (code) => resolve(code)));
}

it("refuses oversized frames and hellos before anyone signs in, with bounded memory", async () => {
  const h = suite();
  const [student] = h.students as [(typeof h.students)[0]];
  const memory = watchMemory(h);
  const big = Buffer.alloc(32 * 1024 * 1024, 0x61);
  const hugeHello = JSON.stringify({
    type: "hello",
    token: "x".repeat(60 * 1024),
    cols: 80,
    rows: 24,
  });
  const codes = await Promise.all([
    ...Array.from({ length: 8 }, () => attack(student.lab, big)),
    ...Array.from({ length: 8 }, () => attack(student.lab, hugeHello)),
  ]);
  const peak = memory.stop();
  // 1009 (message too big); 1006 when the server's close cut the frame still being sent; 4408
  // when the frame's first bytes came after the hello's deadline. Never signed in, in any case.
  for (const code of codes.slice(0, 8)) expect([1006, 1009, 4408]).toContain(code);
  expect(codes.slice(8)).toEqual(Array(8).fill(4400));
  expect(peak - memory.baseline).toBeLessThan(MEMORY_GROWTH_LIMIT);
  expect(await answers(h)).toBe(true);
  await echoes(h, student);
});
