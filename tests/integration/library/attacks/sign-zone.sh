#!/bin/sh
# Signs one zone of a lab dns node with DNSSEC (the lab's own keys, made here), serves the signed
# zone, and prints the DS record its parent must publish, then the key-signing key's DNSKEY (a
# trust anchor, for the root). Used by the Kaminsky lab's test to turn
# DNSSEC back on: sign example.com, put its DS in com, sign com, put its DS in the root, sign the
# root, and give the resolver the root's key as its trust anchor.
#   sign-zone.sh ZONE FILE [DS-RECORD...]   (DS records of signed children, added first)
set -eu
zone=$1 file=$2
shift 2
for ds in "$@"; do printf '%s\n' "$ds" >> "$file"; done
mkdir -p /etc/bind/keys && cd /etc/bind/keys
ksk=$(dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -n ZONE "$zone")
dnssec-keygen -q -a ECDSAP256SHA256 -n ZONE "$zone" > /dev/null
# -S: every key of the folder signs and is published (DNSKEY records added to the zone).
# -3 -: NSEC3 (no salt), which bind 9.18 does not use to answer for names it never asked about
# (it does with NSEC, RFC 8198): the resolver still asks about each trigger name, the race is on,
# and what stops the attack is validation itself.
dnssec-signzone -q -3 - -S -K /etc/bind/keys -o "$zone" -f "$file.signed" "$file" > /dev/null
sed -i "s|file \"$file\";|file \"$file.signed\";|" /etc/bind/named.conf
rndc reconfig > /dev/null
rndc reload "$zone" > /dev/null
dnssec-dsfromkey -2 "$ksk.key"
grep -v '^;' "$ksk.key"
