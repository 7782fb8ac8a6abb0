# The lab's message board, a WSGI app with the flaws the web-security lab is about. On purpose:
# - messages are shown as their authors wrote them, HTML and scripts included (stored XSS);
# - the search echoes its query into the page (reflected XSS);
# - the session cookie is readable by scripts (no HttpOnly) and says nothing about SameSite;
# - changing one's email takes no CSRF token, and GET does it as well as POST.
# Do not copy this into anything real.
import html
import secrets
import sqlite3
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

DB = "/tmp/board.db"
USERS = {"bob": ("bob-likes-cats", "bob@board.lab"), "mallory": ("mallory123", "mallory@attacker.lab")}


def connect():
    db = sqlite3.connect(DB, timeout=10)
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, password TEXT, email TEXT);
        CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, name TEXT);
        CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, author TEXT, text TEXT);
        CREATE TABLE IF NOT EXISTS changes (name TEXT, email TEXT, referer TEXT, agent TEXT);
        """
    )
    for name, (password, email) in USERS.items():
        db.execute("INSERT OR IGNORE INTO users VALUES (?, ?, ?)", (name, password, email))
    db.commit()
    return db


def application(environ, start_response):
    db = connect()
    try:
        status, headers, body = route(db, environ)
        db.commit()
    finally:
        db.close()
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), *headers])
    return [body.encode()]


def route(db, environ):
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/") or "/"
    params = parse_qs(environ.get("QUERY_STRING", ""))
    if method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        params.update(parse_qs(environ["wsgi.input"].read(length).decode()))
    param = lambda key: params.get(key, [""])[0]  # noqa: E731
    user = session_user(db, environ)
    home = environ.get("SCRIPT_NAME", "") + "/"

    if path == "/login" and method == "POST":
        row = db.execute("SELECT name FROM users WHERE name = ? AND password = ?", (param("user"), param("password"))).fetchone()
        if row is None:
            return "403 Forbidden", [], page("Wrong name or password.")
        token = secrets.token_hex(16)
        db.execute("INSERT INTO sessions VALUES (?, ?)", (token, row[0]))
        cookie = f"session={token}; Path=/; Max-Age=86400"
        return "303 See Other", [("Set-Cookie", cookie), ("Location", home)], ""
    if path == "/whoami":
        return ("200 OK", [], user) if user else ("401 Unauthorized", [], "")
    if path == "/search":
        return "200 OK", [], page(f"<p>No message matches {param('q')}.</p>")
    if user is None:
        return "200 OK", [], page(LOGIN_FORM.format(home=home))
    if path == "/post" and method == "POST":
        db.execute("INSERT INTO messages (author, text) VALUES (?, ?)", (user, param("text")))
        return "303 See Other", [("Location", home)], ""
    if path == "/email" and param("email"):
        db.execute("UPDATE users SET email = ? WHERE name = ?", (param("email"), user))
        db.execute(
            "INSERT INTO changes VALUES (?, ?, ?, ?)",
            (user, param("email"), environ.get("HTTP_REFERER", ""), environ.get("HTTP_USER_AGENT", "")),
        )
        return "303 See Other", [("Location", home)], ""
    if path == "/":
        email = db.execute("SELECT email FROM users WHERE name = ?", (user,)).fetchone()[0]
        messages = "".join(
            f"<li><b>{html.escape(author)}</b>: {text}</li>"
            for author, text in db.execute("SELECT author, text FROM messages ORDER BY id")
        )
        # Like a real site's account activity: each change of the user's email, from which page.
        changes = "".join(
            f"<li>{html.escape(email)} from {html.escape(referer or 'no page')}</li>"
            for email, referer in db.execute("SELECT email, referer FROM changes WHERE name = ? ORDER BY rowid", (user,))
        )
        return "200 OK", [], page(BOARD.format(user=html.escape(user), email=html.escape(email), messages=messages, changes=changes, home=home))
    return "404 Not Found", [], page("No such page.")


def session_user(db, environ):
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    if "session" not in cookie:
        return None
    row = db.execute("SELECT name FROM sessions WHERE token = ?", (cookie["session"].value,)).fetchone()
    return row[0] if row else None


def page(content):
    return f"<!doctype html><html><head><title>Board</title></head><body><h1>The board</h1>{content}</body></html>"


LOGIN_FORM = """<form method="post" action="{home}login">
<input name="user" placeholder="name"> <input name="password" type="password" placeholder="password">
<button>Log in</button></form>"""

BOARD = """<p>Logged in as {user}. Your email: <span id="email">{email}</span></p>
<form method="post" action="{home}email"><input name="email"> <button>Change email</button></form>
<form method="get" action="{home}search"><input name="q"> <button>Search</button></form>
<p>Changes of your email:</p>
<ul id="changes">{changes}</ul>
<ul id="messages">{messages}</ul>
<form method="post" action="{home}post"><textarea name="text"></textarea> <button>Post</button></form>"""
