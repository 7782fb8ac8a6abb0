#!/bin/sh
# Turns DNSSEC validation on in a lab resolver, trusting the lab's root key (not the Internet's):
#   trust-anchor.sh '. IN DNSKEY 257 3 13 BASE64...'   (the root's key-signing key, as
#   sign-zone.sh prints it)
set -eu
# shellcheck disable=SC2086 # split into the record's fields; the key itself may hold spaces
set -- $1
flags=$4 protocol=$5 algorithm=$6
shift 6
key=$(printf '%s' "$@")
conf=/etc/bind/named.conf
sed -i 's/dnssec-validation no;/dnssec-validation yes;/' "$conf"
printf 'trust-anchors {\n\t. static-key %s %s %s "%s";\n};\n' "$flags" "$protocol" "$algorithm" "$key" >> "$conf"
rndc reconfig > /dev/null
rndc flush
