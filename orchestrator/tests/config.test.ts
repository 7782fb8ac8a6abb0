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
  LOG_LEVELS,
  logLevel,
  METRICS_TOKEN_MIN_LENGTH,
  metricsToken,
  subnetPool,
  trustProxy,
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

  it("take pino's log level, info by default, and refuse any other with the variable's name", () => {
    expect(logLevel({})).toBe("info");
    expect(logLevel({ LOG_LEVEL: " " })).toBe("info");
    for (const level of LOG_LEVELS) expect(logLevel({ LOG_LEVEL: level })).toBe(level);
    expect(logLevel({ LOG_LEVEL: " WARN " })).toBe("warn");
    for (const wrong of ["verbose", "10", "info,debug"]) {
      expect(() => logLevel({ LOG_LEVEL: wrong })).toThrow(
        `LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, not '${wrong}'`,
      );
    }
  });

  it("trust no proxy by default, else the addresses and ranges named, or everyone", () => {
    expect(trustProxy({})).toBe(false);
    expect(trustProxy({ SOCKETLAB_TRUST_PROXY: " " })).toBe(false);
    expect(trustProxy({ SOCKETLAB_TRUST_PROXY: "false" })).toBe(false);
    expect(trustProxy({ SOCKETLAB_TRUST_PROXY: "true" })).toBe(true);
    expect(
      trustProxy({ SOCKETLAB_TRUST_PROXY: "127.0.0.1, 10.0.0.0/8,fd00::/8,::1,loopback" }),
    ).toEqual(["127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1", "loopback"]);
    for (const wrong of [
      "2",
      "proxy.example",
      "10.0.0.0/33",
      "fd00::/129",
      "10.0.0.0/8/1",
      "1.2.3",
    ]) {
      expect(() => trustProxy({ SOCKETLAB_TRUST_PROXY: `127.0.0.1,${wrong}` })).toThrow(
        `SOCKETLAB_TRUST_PROXY: '${wrong}' is no address, CIDR or range name`,
      );
    }
    expect(() => trustProxy({ SOCKETLAB_TRUST_PROXY: "127.0.0.1,,10.0.0.1" })).toThrow(
      "SOCKETLAB_TRUST_PROXY: '' is no address",
    );
  });

  it("serve metrics only with a long enough token, and not at all without one", () => {
    expect(metricsToken({})).toBeUndefined();
    expect(metricsToken({ SOCKETLAB_METRICS_TOKEN: " " })).toBeUndefined();
    const token = "a".repeat(METRICS_TOKEN_MIN_LENGTH);
    expect(metricsToken({ SOCKETLAB_METRICS_TOKEN: ` ${token} ` })).toBe(token);
    for (const wrong of [token.slice(1), `${token} ${token}`]) {
      expect(() => metricsToken({ SOCKETLAB_METRICS_TOKEN: wrong })).toThrow(
        `SOCKETLAB_METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters`,
      );
    }
  });
});
