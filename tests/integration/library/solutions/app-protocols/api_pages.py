"""Tasks 1 and 2 of the app-protocols lab: every page of the API into /root/items.json, and the
feed's entry titles into /root/feed.txt (urllib, json, xml.etree)."""

import json
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

BASE = "http://www.example.com"
ATOM = "{http://www.w3.org/2005/Atom}"

form = urllib.parse.urlencode({"username": "alice", "password": "alice-pw"}).encode()
with urllib.request.urlopen(f"{BASE}/api/token", data=form) as answer:
    token = json.load(answer)["token"]

items, path = [], "/api/items?per_page=20"
while path is not None:
    request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as answer:
        page = json.load(answer)
    items += page["items"]
    path = page["next"]
with open("/root/items.json", "w") as out:
    json.dump(items, out)

with urllib.request.urlopen(f"{BASE}/api/feed") as answer:
    feed = ET.parse(answer).getroot()
with open("/root/feed.txt", "w") as out:
    for entry in feed.iter(f"{ATOM}entry"):
        out.write(entry.findtext(f"{ATOM}title") + "\n")
print(len(items), "items")
