// dockerode loads, when first imported, the clients of two features at its top: docker-modem's
// SSH transport (ssh2) and dockerode's BuildKit session (@grpc/grpc-js, protobufjs). Together
// they are a third of the service's modules and ~9 MB of its heap, for an ssh:// engine that few
// pools name and a build option socketlab never uses. Each file is put in Node's module cache
// (require.cache, whose entries may be replaced) as a function that loads the real one on its
// first call, so an ssh:// engine still works and pays for ssh2 only then. Both files export one
// function, which is all their callers use.
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

type Exported = (...args: unknown[]) => unknown;

/** docker-modem's SSH agent and dockerode's BuildKit session: the files deferred. */
export const DEFERRED_FILES = [
  join(dirname(require.resolve("docker-modem")), "ssh.js"),
  join(dirname(require.resolve("dockerode")), "session.js"),
];

/** Caches `file` as a function that loads the real module (cached in its place) when called. */
function defer(file: string): void {
  if (require.cache[file]) return;
  let real: Exported | undefined;
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = function (this: unknown, ...args: unknown[]): unknown {
    if (!real) {
      delete require.cache[file];
      real = require(file) as Exported;
    }
    return real.apply(this, args);
  };
  require.cache[file] = standIn;
}

for (const file of DEFERRED_FILES) defer(file);
