"""The app-protocols lab's web API: notes, read page by page with a token, and an Atom feed.

POST /api/token         form or JSON {"username", "password"} -> {"token", "token_type"}
GET  /api/items         ?page=N (from 1) &per_page=M (1 to 20, 10 by default), with
                        "Authorization: Bearer TOKEN" -> {"page", "per_page", "total", "items",
                        "next"} where "next" is the next page's path, or null on the last
GET  /api/items/ID      one item, with the token
GET  /api/feed          the latest items as an Atom feed, no token needed

Python's standard library only. Tokens are an HMAC of the user name, so every gunicorn worker
checks them alike; the key is in this file because this is a teaching lab, not a secret.
"""

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

USERS = {"alice": "alice-pw", "bob": "bob-pw"}
TOKEN_KEY = b"app-protocols lab token key"
ITEM_COUNT = 57
FEED_LENGTH = 10
PER_PAGE_DEFAULT, PER_PAGE_MAX = 10, 20
TOPICS = ["sockets", "DNS", "HTTP", "FTP", "SMTP", "IMAP", "POP3", "TLS", "SSH", "caching"]
FIRST_UPDATE = datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc)


def item(number):
    topic = TOPICS[number % len(TOPICS)]
    updated = FIRST_UPDATE + timedelta(hours=7 * number)
    return {
        "id": number,
        "title": f"Note {number}: {topic}",
        "body": f"Lecture note {number}, about {topic}.",
        "updated": updated.isoformat().replace("+00:00", "Z"),
    }


def token_for(user):
    return hmac.new(TOKEN_KEY, user.encode(), hashlib.sha256).hexdigest()


def user_of(environ):
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return next((u for u in USERS if hmac.compare_digest(token_for(u), token.strip())), None)


def application(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/token" and method == "POST":
        return issue_token(environ, start_response)
    if path == "/feed" and method == "GET":
        return respond(start_response, "200 OK", "application/atom+xml", feed())
    if path == "/items" or path.startswith("/items/"):
        if method != "GET":
            return error(start_response, "405 Method Not Allowed", "GET only")
        if user_of(environ) is None:
            return error(
                start_response,
                "401 Unauthorized",
                "send Authorization: Bearer TOKEN (POST /api/token gives one)",
                [("WWW-Authenticate", 'Bearer realm="app-protocols"')],
            )
        if path == "/items":
            return items_page(query, environ, start_response)
        number = path.removeprefix("/items/")
        if number.isdigit() and 1 <= int(number) <= ITEM_COUNT:
            return as_json(start_response, "200 OK", item(int(number)))
    return error(start_response, "404 Not Found", "see /api/feed, /api/items, POST /api/token")


def issue_token(environ, start_response):
    try:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(min(size, 4096)).decode()
        if environ.get("CONTENT_TYPE", "").startswith("application/json"):
            fields = json.loads(raw)
        else:
            fields = {k: v[0] for k, v in parse_qs(raw).items()}
        user, password = str(fields["username"]), str(fields["password"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return error(start_response, "400 Bad Request", "give username and password")
    if user not in USERS or not hmac.compare_digest(USERS[user], password):
        return error(start_response, "401 Unauthorized", "wrong username or password")
    return as_json(start_response, "200 OK", {"token": token_for(user), "token_type": "Bearer"})


def items_page(query, environ, start_response):
    try:
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", [str(PER_PAGE_DEFAULT)])[0])
    except ValueError:
        return error(start_response, "400 Bad Request", "page and per_page are whole numbers")
    if page < 1 or not 1 <= per_page <= PER_PAGE_MAX:
        return error(start_response, "400 Bad Request", f"page >= 1, per_page 1 to {PER_PAGE_MAX}")
    first = (page - 1) * per_page + 1
    numbers = range(first, min(first + per_page, ITEM_COUNT + 1))
    base = environ.get("SCRIPT_NAME", "") + "/items"
    more = first + per_page <= ITEM_COUNT
    document = {
        "page": page,
        "per_page": per_page,
        "total": ITEM_COUNT,
        "items": [item(n) for n in numbers],
        "next": f"{base}?page={page + 1}&per_page={per_page}" if more else None,
    }
    return as_json(start_response, "200 OK", document)


def feed():
    latest = [item(n) for n in range(ITEM_COUNT, ITEM_COUNT - FEED_LENGTH, -1)]
    entries = "".join(
        f"""  <entry>
    <id>urn:app-protocols:item:{i["id"]}</id>
    <title>{escape(i["title"])}</title>
    <updated>{i["updated"]}</updated>
    <summary>{escape(i["body"])}</summary>
  </entry>
"""
        for i in latest
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:app-protocols:notes</id>
  <title>Lecture notes</title>
  <updated>{latest[0]["updated"]}</updated>
{entries}</feed>
"""


def as_json(start_response, status, document):
    return respond(start_response, status, "application/json", json.dumps(document) + "\n")


def error(start_response, status, message, headers=()):
    body = json.dumps({"error": message}) + "\n"
    return respond(start_response, status, "application/json", body, headers)


def respond(start_response, status, content_type, text, headers=()):
    body = text.encode()
    start_response(
        status,
        [("Content-Type", content_type), ("Content-Length", str(len(body))), *headers],
    )
    return [body]
