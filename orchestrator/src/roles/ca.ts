// The lab's certificate authority. Its key is made by the CA node itself at its first start, so
// every lab instance has its own CA and no key ever leaves the lab: nothing here (and so nothing
// in a plan or a Docker label) holds one. The node serves its root and signs requests over HTTP
// (images/ca/ca-service.py); every other node of the lab fetches the root at its start and
// trusts it, and a server role gets its certificate with `labCertificate`. Those nodes start
// with the CA, not after it, and wait for its service inside their own start commands: a lab's
// container starts are its longest step, and they overlap the CA's start-up this way. Whatever
// waits for a node (after) still finds the lab's root trusted, as trusting is a start command.
import { z } from "zod";
import { dnsNamePattern } from "../net/dns-name.ts";
import type { FileDef, NodeDef } from "../topology/model.ts";
import { textFile } from "./files.ts";
import { shellQuote } from "./shell-quote.ts";
import { CA_CERT_PATH, TLS_CERT_PATH, TLS_CHAIN_CA_PATH, TLS_KEY_PATH } from "./tls-paths.ts";
import { type Contribution, defineRole, type InstanceView, type TopologyView } from "./types.ts";

export const CA_ROLE = "ca";
/** The CA node's signing service: GET /root.pem, POST /sign?name=... */
export const CA_PORT = 8600;
const TLS_REQUEST_PATH = "/etc/socketlab/tls/server.csr";
const TRUST_SCRIPT = "/usr/local/sbin/socketlab-trust-ca";
const REQUEST_SCRIPT = "/usr/local/sbin/socketlab-request-cert";
// Where Debian's update-ca-certificates looks for local roots.
const SYSTEM_TRUST_PATH = "/usr/local/share/ca-certificates/socketlab-lab-ca.crt";
const SYSTEM_CERTS_DIR = "/etc/ssl/certs";
const SYSTEM_BUNDLE = `${SYSTEM_CERTS_DIR}/ca-certificates.crt`;
const SYSTEM_BUNDLE_COPY = "/etc/socketlab/system-ca-bundle.crt";
const HASHED_NAME = "socketlab-lab-ca.pem";
// Debian's chromium reads managed policies here; CACertificates adds trusted roots (base64 DER).
const CHROMIUM_DIR = "/etc/chromium";
const CHROMIUM_POLICY_DIR = `${CHROMIUM_DIR}/policies/managed`;
// Both need only sh, curl and openssl, as every socketlab image has.
const CURL = "curl -sS --retry 10 --retry-connrefused --retry-delay 1 --max-time 10";
// The CA node is ready as soon as its key is made and its service launched; the nodes that
// start with it wait for the service in their own start commands (a minute at most), so that
// the CA's start-up overlaps theirs instead of coming before it. curl retries by itself, a
// second apart (it takes whole seconds): a try is no new process, where a shell loop of curls
// five times a second cost each waiting node a sixth of a core, a whole lab at once more than
// a 2-core machine has.
const ROOT_WAIT_SECONDS = 60;

/** A name a certificate can be issued for: a DNS name (`web`, `www.example.com`). */
export const dnsName = z
  .string()
  .regex(
    dnsNamePattern(),
    "a DNS name: labels of letters, digits and '-' (63 at most each), joined by '.'",
  );

const configSchema = z
  .strictObject({
    commonName: z
      .string()
      // openssl's -subj gives / \ + = a meaning; anything else printable is taken as it is.
      .regex(
        /^[!-~][ -~]{0,63}$/,
        "commonName is up to 64 printable ASCII characters, not starting with a space",
      )
      .refine((name) => !/[/\\+=]/.test(name), "commonName must not hold / \\ + or =")
      .optional()
      .describe(
        "The root certificate's subject; `<lab> lab CA` by default, so each instance's differs.",
      ),
    validDays: z
      .number()
      .int()
      .min(1)
      .max(36500)
      .default(3650)
      .describe("How long the root certificate is valid."),
    certificateDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(365)
      .describe("How long the certificates it signs are valid."),
  })
  .refine((c) => c.certificateDays <= c.validDays, {
    path: ["certificateDays"],
    message: "certificateDays must not exceed validDays: a certificate cannot outlive its CA",
  });

export type CaConfig = z.infer<typeof configSchema>;

export const ca = defineRole<CaConfig>({
  name: CA_ROLE,
  imageFolder: "ca",
  summary: "the lab's certificate authority: signs server certificates, trusted by every node",
  config: configSchema,
  check(_config, node, topology) {
    const first = topology.nodes.find((n) => n.role === CA_ROLE);
    if (first && first.name !== node.name) {
      return [
        { path: [], message: `a lab has one CA, and node '${first.name}' already is its CA` },
      ];
    }
    // Every node that reaches the CA waits for it at its start: a CA waiting for another node
    // would be a cycle.
    if (node.after.length > 0) {
      return [
        {
          path: [],
          message: `a CA starts before the nodes that trust it, so it cannot wait for ${node.after.join(", ")} (after)`,
        },
      ];
    }
    return [];
  },
  configure(config, _node, instance) {
    const commonName = config.commonName ?? `${instance.lab} lab CA`;
    return {
      files: [trustScript()],
      start: [
        `socketlab-ca-init ${shellQuote(commonName)} ${config.validDays}`,
        `python3 /usr/local/lib/socketlab/ca-service.py ${CA_PORT} ${config.certificateDays} &`,
        // The CA node trusts its own root like every other node, once its service answers; in
        // the background, like the nodes that wait for the service at their own start.
        `${TRUST_SCRIPT} 127.0.0.1 &`,
      ],
    };
  },
  configureOthers(_config, self, other, instance) {
    const address = caAddress(other, self, instance);
    if (address === undefined) return {};
    return {
      files: [trustScript()],
      start: [`${TRUST_SCRIPT} ${address}`],
    };
  },
});

/** The network on which `node` reaches `caNode`: the first of `node`'s that the CA is on. */
function sharedNetwork(node: NodeDef, caNode: NodeDef): string | undefined {
  const theirs = new Set(caNode.attachments.map((a) => a.network));
  return node.attachments.find((a) => theirs.has(a.network))?.network;
}

function caAddress(node: NodeDef, caNode: NodeDef, instance: InstanceView): string | undefined {
  const network = sharedNetwork(node, caNode);
  return network === undefined ? undefined : instance.addressOf(caNode.name, network);
}

/** The lab's CA node that `node` can reach, if any. */
function reachableCa(node: NodeDef, nodes: readonly NodeDef[]): NodeDef | undefined {
  return nodes.find(
    (n) => n.role === CA_ROLE && n.name !== node.name && sharedNetwork(node, n) !== undefined,
  );
}

/**
 * Why `node` cannot get a certificate from its lab's CA, or undefined when it can: for the
 * `check` of a role that needs one.
 */
export function unreachableCa(node: NodeDef, topology: TopologyView): string | undefined {
  if (reachableCa(node, topology.nodes)) return undefined;
  const anyCa = topology.nodes.find((n) => n.role === CA_ROLE);
  return anyCa
    ? `needs a certificate from the lab CA, but shares no network with its CA node '${anyCa.name}'`
    : "needs a certificate from the lab CA: add a node with role 'ca'";
}

/**
 * A server certificate for `node` from its lab's CA, valid for its name, the `names` given and
 * its addresses in this instance; undefined when no CA is reachable (`unreachableCa` says why).
 * The key is made on the node at its start and stays there (TLS_KEY_PATH, TLS_CERT_PATH).
 */
export function labCertificate(
  node: NodeDef,
  instance: InstanceView,
  names: readonly string[],
): Contribution | undefined {
  const caNode = reachableCa(node, instance.nodes);
  const address = caNode && caAddress(node, caNode, instance);
  if (caNode === undefined || address === undefined) return undefined;
  const addresses = node.attachments.flatMap((a) => instance.addressOf(node.name, a.network) ?? []);
  return certificateRequest([node.name, ...names, ...addresses], address);
}

/**
 * Start steps that get a server certificate for `names` (DNS names or IP addresses, the first
 * one its subject) from the CA at `address`. Runs at every start: a restarted node asks again.
 */
export function certificateRequest(names: readonly string[], address: string): Contribution {
  const unique = [...new Set(names)];
  return {
    files: [requestScript()],
    start: [`${REQUEST_SCRIPT} ${[address, ...unique].map(shellQuote).join(" ")}`],
  };
}

/**
 * `fetch_root CA FILE`: the CA's root into FILE, waiting (ROOT_WAIT_SECONDS at most) for the CA
 * node, which starts at the same moment as this one; the last try's error shows.
 */
const FETCH_ROOT_FUNCTION = `fetch_root() {
  curl -fsS --connect-timeout 2 --max-time 10 --retry ${ROOT_WAIT_SECONDS} --retry-all-errors \\
    --retry-delay 1 --retry-max-time ${ROOT_WAIT_SECONDS} -o "$2" "http://$1:${CA_PORT}/root.pem"
}`;

function trustScript(): FileDef {
  return textFile(
    TRUST_SCRIPT,
    `#!/bin/sh
# Trusts this lab's CA: fetches its root certificate and installs it where TLS clients look, in
# milliseconds: the system bundle (curl, wget, git, Python, swaks, postfix), its hashed directory
# (OpenSSL's CApath), Chromium's policy (Chromium does not read the system store), and
# ${CA_CERT_PATH} for a --cacert. No store rebuild: update-ca-certificates takes seconds of CPU
# per node, which a whole lab starting at once on a small machine cannot afford. A later
# update-ca-certificates (a student's) keeps the root too. Run it again after the CA node was reset.
# Usage: socketlab-trust-ca CA-ADDRESS-OR-NAME
set -eu
${FETCH_ROOT_FUNCTION}
mkdir -p ${dirOf(CA_CERT_PATH)} ${SYSTEM_CERTS_DIR} ${dirOf(SYSTEM_TRUST_PATH)}
fetch_root "$1" ${CA_CERT_PATH}.new
openssl x509 -in ${CA_CERT_PATH}.new -noout
mv ${CA_CERT_PATH}.new ${CA_CERT_PATH}
cp ${CA_CERT_PATH} ${SYSTEM_TRUST_PATH}
# The bundle is the image's own, kept aside at the first run, plus this lab's root: trusting a
# new root (after a CA reset) drops the old one.
if [ ! -e ${SYSTEM_BUNDLE_COPY} ]; then
  cat ${SYSTEM_BUNDLE} >${SYSTEM_BUNDLE_COPY} 2>/dev/null || : >${SYSTEM_BUNDLE_COPY}
fi
cat ${SYSTEM_BUNDLE_COPY} ${CA_CERT_PATH} >${SYSTEM_BUNDLE}.new
mv ${SYSTEM_BUNDLE}.new ${SYSTEM_BUNDLE}
# CApath: the root under its subject hash (our old links gone first), in the first free slot.
cp ${CA_CERT_PATH} ${SYSTEM_CERTS_DIR}/${HASHED_NAME}
find ${SYSTEM_CERTS_DIR} -maxdepth 1 -type l -lname ${HASHED_NAME} -delete
hash=$(openssl x509 -hash -noout -in ${CA_CERT_PATH})
n=0
while [ -e ${SYSTEM_CERTS_DIR}/$hash.$n ]; do n=$((n + 1)); done
ln -s ${HASHED_NAME} ${SYSTEM_CERTS_DIR}/$hash.$n
if [ -d ${CHROMIUM_DIR} ]; then
  mkdir -p ${CHROMIUM_POLICY_DIR}
  der=$(openssl x509 -in ${CA_CERT_PATH} -outform DER | base64 | tr -d '\\n')
  printf '{"CACertificates": ["%s"]}\\n' "$der" >${CHROMIUM_POLICY_DIR}/socketlab-lab-ca.json
fi
`,
    0o755,
  );
}

function requestScript(): FileDef {
  return textFile(
    REQUEST_SCRIPT,
    `#!/bin/sh
# Gets this node a server certificate from the lab CA: a new key and request are made here (the
# key never leaves the node), the CA signs the request for the names given (subjectAltName).
# Usage: socketlab-request-cert CA-ADDRESS-OR-NAME NAME... (the first NAME is the subject)
set -eu
${FETCH_ROOT_FUNCTION}
ca=$1
shift
query=""
for name in "$@"; do query="$query\${query:+&}name=$name"; done
mkdir -p ${dirOf(TLS_KEY_PATH)}
# An EC P-256 key takes milliseconds where RSA-2048 takes a few hundred, on the path of every TLS
# node's start; every server and client the labs use takes it.
(
  umask 077
  openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ${TLS_KEY_PATH}.new
)
openssl req -new -key ${TLS_KEY_PATH}.new -subj "/CN=$1" -out ${TLS_REQUEST_PATH}
# The key is made while the CA node may still be starting; its root is the sign that it is up.
fetch_root "$ca" ${TLS_CHAIN_CA_PATH}
if ! ${CURL} --fail-with-body -H "Content-Type: application/pkcs10" \\
    --data-binary @${TLS_REQUEST_PATH} -o ${TLS_CERT_PATH}.new "http://$ca:${CA_PORT}/sign?$query"; then
  cat ${TLS_CERT_PATH}.new >&2 || true
  exit 1
fi
openssl verify -CAfile ${TLS_CHAIN_CA_PATH} ${TLS_CERT_PATH}.new >/dev/null
mv ${TLS_KEY_PATH}.new ${TLS_KEY_PATH}
mv ${TLS_CERT_PATH}.new ${TLS_CERT_PATH}
`,
    0o755,
  );
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}
