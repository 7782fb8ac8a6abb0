# The p2p-game lab's reference player on p1: the median round trip to p2's echo server into
# /root/rtt.txt, then turns 1 to 50 to p2's peer in lockstep: each sent again until acknowledged.
import socket
import statistics
import time

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.5)

rtts = []
for probe in range(10):
    start = time.monotonic()
    sock.sendto(f"probe {probe}".encode(), ("p2", 6000))
    try:
        while sock.recv(2048) != f"probe {probe}".encode():
            pass  # a late echo of an earlier probe
    except TimeoutError:
        continue  # lost: it measures nothing
    rtts.append((time.monotonic() - start) * 1000)
with open("/root/rtt.txt", "w") as out:
    out.write(f"{statistics.median(rtts):.1f}\n")

for turn in range(1, 51):
    while True:
        sock.sendto(f"turn {turn}".encode(), ("p2", 7000))
        try:
            if sock.recv(2048) == f"ack {turn}".encode():
                break
        except TimeoutError:
            pass
print(open("/root/rtt.txt").read().strip())
