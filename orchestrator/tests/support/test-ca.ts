// A CA and a server certificate signed by it for the given IP addresses (127.0.0.1 unless
// told), made with openssl in `dir`, for tests of TLS servers.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The certificate and key (also `dir`/cert.pem and key.pem) for `addresses`, and the CA's
 * certificate file (`dir`/ca.pem).
 */
export function testCertificate(
  dir: string,
  addresses: string[] = ["127.0.0.1"],
): { cert: Buffer; key: Buffer; caFile: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  const newKey = ["-newkey", "rsa:2048", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...newKey,
    "-days",
    "1",
    "-subj",
    "/CN=socketlab test CA",
    "-keyout",
    file("ca-key.pem"),
    "-out",
    file("ca.pem"),
  );
  openssl(
    "req",
    ...newKey,
    "-subj",
    `/CN=${addresses[0]}`,
    "-keyout",
    file("key.pem"),
    "-out",
    file("server.csr"),
  );
  writeFileSync(file("ext"), `subjectAltName=${addresses.map((a) => `IP:${a}`).join(",")}\n`);
  openssl(
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca-key.pem"),
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    file("ext"),
    "-out",
    file("cert.pem"),
  );
  return {
    cert: readFileSync(file("cert.pem")),
    key: readFileSync(file("key.pem")),
    caFile: file("ca.pem"),
  };
}
