// A student runs a command that never reads its input and pastes 200 MiB into their terminal as
// fast as their socket goes: the service passes keystrokes on only as the shell takes them and
// stops reading the socket meanwhile, so its memory stays bounded; another student's terminal
// works, and so does the attacker's once the command is interrupted.
import { expect, it } from "vitest";
import {
  answers,
  echoes,
  hostileSuite,
  MEMORY_GROWTH_LIMIT,
  sleep,
  terminal,
  watchMemory,
} from "./harness.ts";

const suite = hostileSuite(2);

it("holds a keystroke flood at the socket, with bounded memory", async () => {
  const h = suite();
  const [attacker, bystander] = h.students as [(typeof h.students)[0], (typeof h.students)[0]];
  const shell = await terminal(h, attacker);
  // `sleep` reads nothing: the terminal's input fills, then the engine's stream, then ours. Raw
  // mode, as a line-editing terminal would drop input past a line's length instead of holding it.
  shell.type("stty raw -echo; echo SLEEPING-$((6*7)); sleep 3600\r");
  await shell.see("SLEEPING-42");

  const memory = watchMemory(h);
  const piece = Buffer.alloc(60 * 1024, 0x61);
  for (let sent = 0; sent < 200 * 1024 * 1024; sent += piece.length) {
    shell.socket.send(piece, { binary: true });
  }
  // ws in this process holds what the service does not read yet; give the service time to
  // take in all it would.
  for (let i = 0; i < 100 && shell.socket.bufferedAmount > 0; i++) await sleep(100);
  const peak = memory.stop();
  expect(shell.socket.bufferedAmount).toBeGreaterThan(0);
  expect(peak - memory.baseline).toBeLessThan(MEMORY_GROWTH_LIMIT);
  expect(await answers(h)).toBe(true);
  await echoes(h, bystander);
  shell.socket.terminate();
});
