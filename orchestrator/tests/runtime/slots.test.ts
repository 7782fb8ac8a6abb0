// Slots: at most N tasks at once, the rest in the order asked, a slot passed on whether its task
// succeeded or failed.
import { describe, expect, it } from "vitest";
import { Slots } from "../../src/runtime/slots.ts";

/** A task that stays running until `finish` is called, recording how many ran at once. */
function gatedTasks() {
  let running = 0;
  let most = 0;
  const started: string[] = [];
  const finishers = new Map<string, (fail?: boolean) => void>();
  const task = (name: string) => () =>
    new Promise<string>((resolve, reject) => {
      running += 1;
      most = Math.max(most, running);
      started.push(name);
      finishers.set(name, (fail = false) => {
        running -= 1;
        if (fail) reject(new Error(`${name} failed`));
        else resolve(name);
      });
    });
  return {
    task,
    started,
    finish: (name: string, fail?: boolean) => finishers.get(name)?.(fail),
    most: () => most,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("Slots", () => {
  it("runs at most its size at once and starts the others in the order asked", async () => {
    const slots = new Slots(2);
    const { task, started, finish, most } = gatedTasks();
    const results = ["a", "b", "c", "d"].map((name) => slots.run(task(name)));
    await settle();
    expect(started).toEqual(["a", "b"]);
    finish("b");
    await settle();
    expect(started).toEqual(["a", "b", "c"]);
    finish("a");
    await settle();
    expect(started).toEqual(["a", "b", "c", "d"]);
    finish("c");
    finish("d");
    expect(await Promise.all(results)).toEqual(["a", "b", "c", "d"]);
    expect(most()).toBe(2);
  });

  it("passes a failed task's slot on and rejects with its error", async () => {
    const slots = new Slots(1);
    const { task, started, finish } = gatedTasks();
    const first = slots.run(task("a"));
    const second = slots.run(task("b"));
    await settle();
    finish("a", true);
    await expect(first).rejects.toThrow("a failed");
    await settle();
    expect(started).toEqual(["a", "b"]);
    finish("b");
    expect(await second).toBe("b");
  });

  it("gives the slot back when nothing waits, so a later task starts at once", async () => {
    const slots = new Slots(1);
    expect(await slots.run(async () => 1)).toBe(1);
    const { task, started, finish } = gatedTasks();
    const later = slots.run(task("later"));
    await settle();
    expect(started).toEqual(["later"]);
    finish("later");
    await later;
  });

  it("refuses a size that is not a positive count", () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      expect(() => new Slots(size)).toThrow(`size ${size} is not a count`);
    }
  });
});
