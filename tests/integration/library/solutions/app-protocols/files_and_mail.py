"""Tasks 3 to 6 of the app-protocols lab: ftplib (upload, download), smtplib (alice writes to
bob, through the submission port with a login) and imaplib (alice reads her INBOX)."""

import email
import ftplib
import imaplib
import io
import smtplib
from email.message import EmailMessage

with ftplib.FTP("ftp.example.com", "alice", "alice-pw") as ftp:
    ftp.storbinary("STOR hello.txt", io.BytesIO(b"hello from alice's ftplib\n"))
    with open("/root/2026-q3.csv", "wb") as out:
        ftp.retrbinary("RETR reports/2026-q3.csv", out.write)

message = EmailMessage()
message["From"], message["To"], message["Subject"] = (
    "alice@example.com",
    "bob@example.com",
    "Lab report",
)
message.set_content("All six tasks done.\n")
with smtplib.SMTP("mail.example.com", 587) as smtp:
    smtp.login("alice@example.com", "alice-pw")
    smtp.send_message(message)

imap = imaplib.IMAP4("mail.example.com")
imap.login("alice@example.com", "alice-pw")
imap.select("INBOX")
_, numbers = imap.search(None, "ALL")
for number in numbers[0].split():
    _, data = imap.fetch(number, "(RFC822)")  # not BODY.PEEK: reading marks it \Seen
    print(email.message_from_bytes(data[0][1])["Subject"])
imap.logout()
