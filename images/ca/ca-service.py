#!/usr/bin/env python3
"""The lab CA's signing service, for the other nodes of its lab.

GET  /root.pem                       the root certificate
POST /sign?name=NAME[&name=NAME...]  body: a certificate request (PEM); answers a certificate
                                     signed by the root, valid for those names (subjectAltName)

Everything a request carries is checked before openssl sees it: names must be DNS names or IP
addresses, the request must be a PEM certificate request of bounded size whose signature holds.
Only the names given here go into the certificate: extensions in the request are ignored, so no
request can make itself a CA.

Usage: ca-service.py PORT DAYS (DAYS: how long the certificates it signs are valid)
"""

import ipaddress
import re
import secrets
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT_KEY = "/ca/root.key"
ROOT_CERT = "/ca/root.pem"
MAX_REQUEST_BYTES = 16 * 1024
MAX_NAMES = 32
LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
PEM_REQUEST = re.compile(
    rb"^-----BEGIN (NEW )?CERTIFICATE REQUEST-----\r?\n[A-Za-z0-9+/=\r\n]+"
    rb"-----END (NEW )?CERTIFICATE REQUEST-----\r?\n?$"
)


class Refused(Exception):
    """A request the service will not sign; the message tells the client why."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def subject_alt_name(name):
    """`IP:...` for an address, `DNS:...` for a DNS name; anything else is refused."""
    try:
        return "IP:" + str(ipaddress.ip_address(name))
    except ValueError:
        pass
    labels = name.split(".")
    if len(name) > 253 or not all(LABEL.match(label) for label in labels):
        raise Refused(400, f"'{name}' is neither a DNS name nor an IP address")
    return "DNS:" + name.lower()


def names_of(query):
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise Refused(400, "a malformed query: /sign?name=NAME[&name=NAME...]") from None
    unknown = sorted({key for key, _ in pairs if key != "name"})
    if unknown:
        raise Refused(400, f"unknown parameter(s): {', '.join(unknown)}; only 'name' is taken")
    names = [value for _, value in pairs]
    if not names:
        raise Refused(400, "give the certificate's names: /sign?name=NAME[&name=NAME...]")
    if len(names) > MAX_NAMES:
        raise Refused(400, f"at most {MAX_NAMES} names")
    return list(dict.fromkeys(subject_alt_name(name) for name in names))


def sign(request_pem, alt_names, days):
    if not PEM_REQUEST.match(request_pem):
        raise Refused(400, "the body must be one certificate request in PEM form")
    with tempfile.TemporaryDirectory() as work:
        request = Path(work, "request.csr")
        request.write_bytes(request_pem)
        checked = run(["openssl", "req", "-in", str(request), "-noout", "-verify"])
        if checked.returncode != 0:
            raise Refused(400, "not a valid certificate request (its signature does not verify)")
        extensions = Path(work, "extensions.cnf")
        extensions.write_text(
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth,clientAuth\n"
            "subjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid\n"
            f"subjectAltName={','.join(alt_names)}\n"
        )
        signed = run(
            ["openssl", "x509", "-req", "-in", str(request), "-CA", ROOT_CERT, "-CAkey", ROOT_KEY,
             # A random serial: no serial file to share between requests served at once.
             "-set_serial", "0x" + secrets.token_hex(16), "-days", str(days), "-sha256",
             "-extfile", str(extensions)]
        )
        if signed.returncode != 0:
            raise Refused(500, "openssl could not sign: " + signed.stderr.decode(errors="replace"))
        return signed.stdout


def run(command):
    return subprocess.run(command, capture_output=True, timeout=30, check=False)


class Handler(BaseHTTPRequestHandler):
    server_version = "socketlab-ca"
    timeout = 15  # a client that stops sending does not hold a thread for ever

    def do_GET(self):
        if urlsplit(self.path).path != "/root.pem":
            self.answer(404, b"GET /root.pem, or POST /sign?name=NAME with a request\n")
            return
        self.answer(200, Path(ROOT_CERT).read_bytes(), "application/x-pem-file")

    def do_POST(self):
        url = urlsplit(self.path)
        try:
            if url.path != "/sign":
                raise Refused(404, "POST /sign?name=NAME[&name=NAME...] with a request")
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                raise Refused(411, "a Content-Length is needed")
            if int(length) > MAX_REQUEST_BYTES:
                raise Refused(413, f"a certificate request is at most {MAX_REQUEST_BYTES} bytes")
            # Read before anything is refused, so that the client gets the answer, not a reset.
            body = self.rfile.read(int(length))
            alt_names = names_of(url.query)
            certificate = sign(body, alt_names, self.server.days)
        except Refused as refused:
            self.answer(refused.status, f"{refused}\n".encode())
            return
        self.log_message("signed a certificate for %s", ",".join(alt_names))
        self.answer(200, certificate, "application/x-pem-file")

    def answer(self, status, body, content_type="text/plain; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    port, days = int(sys.argv[1]), int(sys.argv[2])
    server = ThreadingHTTPServer(("", port), Handler)
    server.days = days
    server.serve_forever()


if __name__ == "__main__":
    main()
