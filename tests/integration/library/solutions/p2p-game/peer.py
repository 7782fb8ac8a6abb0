# The p2p-game lab's reference peer on p2: acknowledges every turn it receives (repeats too, as
# the first ack may have been lost) and records each turn once, in order: turn N only after N-1.
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("", 7000))
expected = 1
while True:
    data, sender = sock.recvfrom(2048)
    words = data.decode(errors="replace").split()
    if len(words) != 2 or words[0] != "turn" or not words[1].isdigit():
        continue
    turn = int(words[1])
    if turn == expected:
        with open("/root/turns.txt", "a") as turns:
            turns.write(f"{turn}\n")
        expected += 1
    sock.sendto(f"ack {turn}".encode(), sender)
