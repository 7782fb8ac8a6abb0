// Where TLS files are on lab nodes: the lab CA's root, and a server's key and certificate signed
// by it. The CA role puts them there (roles/ca.ts); the server roles point their daemons at them.

/** On every node that trusts the lab CA: its root, for tools that take a --cacert. */
export const CA_CERT_PATH = "/etc/socketlab/ca.pem";
/** Where a node's server key and certificate (signed by the lab CA) are kept. */
export const TLS_KEY_PATH = "/etc/socketlab/tls/server.key";
export const TLS_CERT_PATH = "/etc/socketlab/tls/server.crt";
/** The root that signed it, fetched with it (a server that sends its chain needs it). */
export const TLS_CHAIN_CA_PATH = "/etc/socketlab/tls/ca.pem";
