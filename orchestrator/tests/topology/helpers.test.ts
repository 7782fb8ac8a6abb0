// The small pure functions behind the loader, value by value.
import { describe, expect, it } from "vitest";
import { parseHostPart } from "../../src/net/ipv4.ts";
import { isAuto, parseHostAddress, parseSubnet } from "../../src/topology/addresses.ts";
import { formatField, sortDiagnostics } from "../../src/topology/diagnostics.ts";
import { isPlainFilePath, parseMode } from "../../src/topology/files.ts";
import { parseMemory } from "../../src/topology/limits.ts";
import {
  allowedCapabilities,
  isNamespacedSysctl,
  LINUX_CAPABILITIES,
  normaliseCapability,
} from "../../src/topology/linux.ts";

describe("parseHostPart", () => {
  it.each([
    [".53", 53],
    [".0", 0],
    [".1.5", 261],
    [".255.254", 65534],
    [".1.0.0", 65536],
  ])("reads %s as %i", (text, value) => {
    expect(parseHostPart(text)).toBe(value);
  });

  it.each(["53", ".", ".256", ".1..5", ".1.2.3.4", ".05", ". 5", ".-1"])("refuses %j", (text) => {
    expect(parseHostPart(text)).toBeNull();
  });
});

describe("parseSubnet", () => {
  it("accepts /16 to /29", () => {
    expect(parseSubnet("10.0.0.0/16")).toEqual({
      ok: true,
      cidr: { base: 0x0a000000, prefix: 16 },
    });
    expect(parseSubnet("10.0.0.8/29")).toEqual({
      ok: true,
      cidr: { base: 0x0a000008, prefix: 29 },
    });
  });

  it("refuses /15 and /30", () => {
    expect(parseSubnet("10.0.0.0/15")).toEqual({
      ok: false,
      reason: "subnet 10.0.0.0/15 is too large: use a prefix from /16 to /29",
    });
    expect(parseSubnet("10.0.0.0/30")).toEqual({
      ok: false,
      reason: "subnet 10.0.0.0/30 is too small: use a prefix from /16 to /29",
    });
  });
});

describe("parseHostAddress", () => {
  const slash29 = { base: 0x0a000008, prefix: 29 }; // 10.0.0.8 to 10.0.0.15

  it("gives the host index of a host part or a full address", () => {
    expect(parseHostAddress(".2", slash29)).toEqual({ ok: true, hostIndex: 2 });
    expect(parseHostAddress("10.0.0.14", slash29)).toEqual({ ok: true, hostIndex: 6 });
  });

  it("refuses the reserved and the outside", () => {
    expect(parseHostAddress(".7", slash29)).toEqual({
      ok: false,
      reason: "address 10.0.0.15 is the broadcast address of 10.0.0.8/29",
    });
    expect(parseHostAddress(".8", slash29)).toEqual({
      ok: false,
      reason: "host part .8 does not fit in subnet 10.0.0.8/29",
    });
    expect(parseHostAddress("10.0.0.16", slash29)).toEqual({
      ok: false,
      reason: "address 10.0.0.16 is outside subnet 10.0.0.8/29",
    });
  });

  it("knows the automatic values", () => {
    expect([null, "", "auto", "AUTO", ".2"].map(isAuto)).toEqual([true, true, true, false, false]);
  });
});

describe("parseMemory", () => {
  it.each([
    ["512k", 512 * 1024],
    ["256m", 256 * 1024 ** 2],
    ["256M", 256 * 1024 ** 2],
    ["1g", 1024 ** 3],
    ["1.5g", 1.5 * 1024 ** 3],
    ["1048576", 1048576],
  ])("reads %s as %i bytes", (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });

  it("takes a number as bytes", () => {
    expect(parseMemory(7340032)).toBe(7340032);
  });
});

describe("parseMode", () => {
  it.each([
    ["0644", 0o644],
    ["755", 0o755],
    ["04755", 0o4755],
    [755, 0o755],
    [0, 0],
    [7777, 0o7777],
  ])("reads %j as octal", (mode, value) => {
    expect(parseMode(mode)).toBe(value);
  });

  it.each([999, 493, 17777, -1, "0o755"])("refuses %j", (mode) => {
    expect(parseMode(mode)).toBeNull();
  });
});

describe("isPlainFilePath", () => {
  it.each(["/etc/motd", "/a", "/usr/local/bin/start.sh", "/etc/.hidden"])("accepts %s", (path) => {
    expect(isPlainFilePath(path)).toBe(true);
  });

  it.each(["/", "/etc/", "/etc/../x", "/./x", "//x", "/a//b", "/a/.."])("refuses %s", (path) => {
    expect(isPlainFilePath(path)).toBe(false);
  });
});

describe("capabilities", () => {
  it("lists all 41 Linux capabilities", () => {
    expect(LINUX_CAPABILITIES.size).toBe(41);
  });

  it.each([
    ["NET_ADMIN", "NET_ADMIN"],
    ["CAP_NET_ADMIN", "NET_ADMIN"],
    ["cap_net_raw", "NET_RAW"],
    ["checkpoint_restore", "CHECKPOINT_RESTORE"],
    ["ALL", null],
    ["CAP_", null],
    ["NET_ADMIN ", null],
  ])("normalises %j to %j", (name, normalised) => {
    expect(normaliseCapability(name)).toBe(normalised);
  });
});

describe("allowedCapabilities", () => {
  it("is the lab's own without extras, and adds the operator's, normalised", () => {
    expect([...allowedCapabilities([])]).toEqual(["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE"]);
    expect([...allowedCapabilities(["cap_sys_ptrace", "NET_RAW", "SYS_TIME"])]).toEqual([
      "NET_ADMIN",
      "NET_RAW",
      "NET_BIND_SERVICE",
      "SYS_PTRACE",
      "SYS_TIME",
    ]);
  });

  it("throws on a name that is no capability", () => {
    expect(() => allowedCapabilities(["SYS_PTRACE", "ALL"])).toThrow("unknown capability 'ALL'");
  });
});

describe("isNamespacedSysctl", () => {
  it.each([
    "net.ipv4.ip_forward",
    "net.core.somaxconn",
    "kernel.shmmax",
    "kernel.shm_rmid_forced",
    "kernel.msgmnb",
    "kernel.sem",
    "fs.mqueue.queues_max",
  ])("allows %s", (key) => {
    expect(isNamespacedSysctl(key)).toBe(true);
  });

  it.each(["vm.swappiness", "kernel.hostname", "kernel.semx", "fs.file-max", "network.x", "net"])(
    "refuses %s",
    (key) => {
      expect(isNamespacedSysctl(key)).toBe(false);
    },
  );
});

describe("diagnostic helpers", () => {
  it("formats fields with dots and list indices", () => {
    expect(formatField(["nodes", "web", "files", 1, "mode"])).toBe("nodes.web.files[1].mode");
    expect(formatField(["name"])).toBe("name");
    expect(formatField([])).toBe("");
  });

  it("sorts by line then column, keeping ties in order", () => {
    const at = (line: number, col: number, message: string) => ({
      file: "f",
      line,
      col,
      field: "",
      message,
    });
    expect(
      sortDiagnostics([at(3, 1, "c"), at(1, 9, "b"), at(1, 2, "a"), at(3, 1, "d")]).map(
        (d) => d.message,
      ),
    ).toEqual(["a", "b", "c", "d"]);
  });
});
