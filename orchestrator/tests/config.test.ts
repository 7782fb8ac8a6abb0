// Settings from the environment that the quotas', lifetimes' and terminals' own tests do not
// cover: each given an environment of its own, never the process's.
import { describe, expect, it } from "vitest";
import {
  dashboardDir,
  debianMirrors,
  debugging,
  enginesFile,
  extraCapabilities,
  instructorToken,
  subnetPool,
} from "../src/config.ts";

describe("settings from the environment", () => {
  it("split the subnet pool on commas, with the default when unset or blank", () => {
    expect(subnetPool({})).toEqual(["10.200.0.0/13"]);
    expect(subnetPool({ SOCKETLAB_SUBNET_POOL: "  " })).toEqual(["10.200.0.0/13"]);
    expect(subnetPool({ SOCKETLAB_SUBNET_POOL: " 10.1.0.0/16, ,10.2.0.0/16 " })).toEqual([
      "10.1.0.0/16",
      "10.2.0.0/16",
    ]);
  });

  it("split the operator's extra capabilities on commas; none when unset or blank", () => {
    expect(extraCapabilities({})).toEqual([]);
    expect(extraCapabilities({ SOCKETLAB_EXTRA_CAPABILITIES: " , " })).toEqual([]);
    expect(
      extraCapabilities({ SOCKETLAB_EXTRA_CAPABILITIES: " SYS_PTRACE, ,cap_sys_time " }),
    ).toEqual(["SYS_PTRACE", "cap_sys_time"]);
  });

  it("take a file, a token or a folder when set, and nothing when blank", () => {
    for (const [read, name] of [
      [enginesFile, "SOCKETLAB_ENGINES"],
      [instructorToken, "SOCKETLAB_INSTRUCTOR_TOKEN"],
      [dashboardDir, "SOCKETLAB_DASHBOARD_DIR"],
    ] as const) {
      expect(read({}), name).toBeUndefined();
      expect(read({ [name]: " " }), name).toBeUndefined();
      expect(read({ [name]: " value " }), name).toBe("value");
    }
  });

  it("point the base image's bootstrap at local mirrors when asked", () => {
    expect(debianMirrors({})).toEqual({
      main: "http://deb.debian.org/debian",
      security: "http://deb.debian.org/debian-security",
    });
    expect(
      debianMirrors({
        SOCKETLAB_DEBIAN_MIRROR: "http://mirror/debian",
        SOCKETLAB_DEBIAN_SECURITY_MIRROR: "http://mirror/security",
      }),
    ).toEqual({ main: "http://mirror/debian", security: "http://mirror/security" });
  });

  it("turn debugging on with SOCKETLAB_DEBUG set to anything", () => {
    expect(debugging({})).toBe(false);
    expect(debugging({ SOCKETLAB_DEBUG: "1" })).toBe(true);
  });
});
