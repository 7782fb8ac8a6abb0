// inAfterOrder: each node runs once the nodes it comes after have succeeded, independent nodes
// at once; a failure stops its dependants only; a list out of order is refused before anything runs.
import { describe, expect, it } from "vitest";
import { Slots } from "../../src/runtime/slots.ts";
import { inAfterOrder } from "../../src/runtime/start-order.ts";

const node = (name: string, after: string[] = []) => ({ name, after });
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Steps that stay under way until finished by name; records the order they began in. */
function steps() {
  const began: string[] = [];
  const finishers = new Map<string, (fail?: boolean) => void>();
  const step = (n: { name: string }) =>
    new Promise<void>((resolve, reject) => {
      began.push(n.name);
      finishers.set(n.name, (fail = false) =>
        fail ? reject(new Error(`${n.name} failed`)) : resolve(),
      );
    });
  const finish = async (name: string, fail?: boolean) => {
    finishers.get(name)?.(fail);
    await settle();
  };
  return { began, step, finish };
}

describe("inAfterOrder", () => {
  it("starts every node without prerequisites at once", async () => {
    const { began, step } = steps();
    inAfterOrder([node("a"), node("b"), node("c")], step);
    await settle();
    expect(began).toEqual(["a", "b", "c"]);
  });

  it("starts a node as soon as its own prerequisites are done, not a whole wave", async () => {
    const { began, step, finish } = steps();
    // The plan's waves: [ca, slow], [web, mail], [browser]. web needs only ca.
    const outcomes = inAfterOrder(
      [
        node("ca"),
        node("slow"),
        node("web", ["ca"]),
        node("mail", ["ca", "slow"]),
        node("browser", ["web"]),
      ],
      step,
    );
    await settle();
    expect(began).toEqual(["ca", "slow"]);
    await finish("ca");
    expect(began).toEqual(["ca", "slow", "web"]);
    await finish("web");
    expect(began).toEqual(["ca", "slow", "web", "browser"]);
    await finish("slow");
    expect(began).toEqual(["ca", "slow", "web", "browser", "mail"]);
    await finish("mail");
    await finish("browser");
    await Promise.all(outcomes.values());
  });

  it("never runs the dependants of a failed node, and they fail with its error", async () => {
    const { began, step, finish } = steps();
    const outcomes = inAfterOrder(
      [node("ca"), node("other"), node("web", ["ca"]), node("browser", ["web"])],
      step,
    );
    // Looked at as converge does, all at once, so that no failure goes unhandled meanwhile.
    const settled = Promise.allSettled(outcomes.values());
    await settle();
    await finish("ca", true);
    await finish("other");
    const results = await settled;
    expect(
      results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "done")),
    ).toEqual(["ca failed", "done", "ca failed", "ca failed"]);
    expect(began).toEqual(["ca", "other"]);
  });

  it("refuses a list where a node comes before one it waits for, and runs nothing", () => {
    const { began, step } = steps();
    expect(() => inAfterOrder([node("web", ["ca"]), node("ca")], step)).toThrow(
      "node web starts after ca, which is not listed before it",
    );
    expect(() => inAfterOrder([node("web", ["nobody"])], step)).toThrow("after nobody");
    expect(began).toEqual([]);
  });

  it("keeps the order with bounded engine slots: a chain of ten on one slot finishes", async () => {
    const slots = new Slots(1);
    const order: string[] = [];
    const chain = Array.from({ length: 10 }, (_, i) => node(`n${i}`, i === 0 ? [] : [`n${i - 1}`]));
    const free = Array.from({ length: 5 }, (_, i) => node(`free${i}`));
    const outcomes = inAfterOrder([...free, ...chain], (n) =>
      slots.run(async () => {
        order.push(n.name);
      }),
    );
    await Promise.all(outcomes.values());
    expect(order).toHaveLength(15);
    const chainOrder = order.filter((name) => name.startsWith("n"));
    expect(chainOrder).toEqual(chain.map((n) => n.name));
  });
});
