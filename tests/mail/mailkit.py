"""What the mail suites share: the stack from stack.env, an HTTP client, customers, the
operator's shows, the database, and the SMTP sink's mailbox and log.

Standard library only (plus the zbarimg command), under Debian's /usr/bin/python3. The
stack is the one `source $STACK_DIR/stack.env` describes (scripts/test sources it); a
missing setting is an error, never a skipped test.
"""

import datetime
import email
import email.policy
import email.utils
import functools
import http.client
import itertools
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
SINK_LIB = os.path.join(REPO_ROOT, "scripts", "lib", "smtp_sink.sh")

# API.md "Tickets and check-in": a mail is sent within 5 s of its change while the SMTP
# server accepts.
MAIL_WITHIN_S = 5.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DEFAULT_MAIL_FROM = "tickets@localhost"


def env(name):
    value = os.environ.get(name, "")
    if value == "":
        raise RuntimeError(
            "%s is not set: run under scripts/test, or `source $STACK_DIR/stack.env` and export "
            "the sink's and the admin's variables (tests/mail/CMakeLists.txt)" % name)
    return value


def seats_url():
    return env("SEATS_URL").rstrip("/")


def mail_from():
    return os.environ.get("MAIL_FROM") or DEFAULT_MAIL_FROM


def sink_dir():
    return os.environ.get("SMTP_SINK_DIR") or os.path.join(env("STACK_DIR"), "smtp-sink")


def sink_port():
    return int(os.environ.get("SMTP_SINK_PORT") or 18025)


def check_stack_sends_to_sink():
    """The stack's SMTP_URL must name our sink, or the suites would wait for mail that goes
    elsewhere (or nowhere)."""
    url = urllib.parse.urlsplit(env("SMTP_URL"))
    if url.scheme != "smtp" or url.hostname not in ("127.0.0.1", "localhost") \
            or url.port != sink_port():
        raise RuntimeError("SMTP_URL=%s is not the sink on 127.0.0.1:%d"
                           % (env("SMTP_URL"), sink_port()))


# ---- HTTP -------------------------------------------------------------------------------

# nginx limits requests per client address; like the C++ clients (tests/support/client.cpp),
# each of ours speaks from its own loopback address in 127.1.0.0/16.
_HOSTS_PER_BLOCK = 254
_ADDRESS_SPACE = 256 * _HOSTS_PER_BLOCK
_addresses = itertools.count((os.getpid() * 7919 + 104729) % _ADDRESS_SPACE)
_addresses_lock = threading.Lock()


def next_source_address():
    with _addresses_lock:
        n = next(_addresses) % _ADDRESS_SPACE
    return "127.1.%d.%d" % (n // _HOSTS_PER_BLOCK, n % _HOSTS_PER_BLOCK + 1)


class _FromAddress(urllib.request.HTTPHandler):
    def __init__(self, source):
        super().__init__()
        self.source = source

    def http_open(self, req):
        return self.do_open(
            functools.partial(http.client.HTTPConnection, source_address=(self.source, 0)), req)


class Response:
    def __init__(self, method, path, status, headers, body):
        self.request = "%s %s" % (method, path)
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            self.json = None

    def media_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def describe(self):
        shown = self.body[:600]
        return "%s -> %d %s %r" % (self.request, self.status, self.media_type(), shown)


class Client:
    def __init__(self, token=None, source=None):
        self.token = token
        self.source = source or next_source_address()
        self.opener = urllib.request.build_opener(_FromAddress(self.source))

    def send(self, method, path, body=None, token=None, headers=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(seats_url() + path, data=data, method=method,
                                     headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        token = token or self.token
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with self.opener.open(req, timeout=60) as r:
                return Response(method, path, r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(method, path, e.code, e.headers, e.read())

    def get(self, path, **kw):
        return self.send("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.send("POST", path, body if body is not None else {}, **kw)

    def patch(self, path, body=None, **kw):
        return self.send("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.send("DELETE", path, **kw)


def must(response, status):
    if response.status != status:
        raise AssertionError("expected %d: %s" % (status, response.describe()))
    return response.json


# ---- accounts ---------------------------------------------------------------------------

_users = itertools.count(1)


def unique(tag):
    """Text no other run has used: the tag, the pid, a counter and the clock."""
    return "%s-%d-%d-%d" % (tag, os.getpid(), next(_users), time.time_ns() % 1000000007)


class User:
    def __init__(self, email_address, password, client, user_id, token):
        self.email = email_address
        self.password = password
        self.client = client
        self.id = user_id
        self.token = token


def login(client, email_address, password):
    r = client.post("/api/v1/login", {"email": email_address, "password": password})
    body = must(r, 200)
    client.token = body["token"]
    return User(email_address, password, client, body["user"]["id"], body["token"])


def new_customer(tag, sink_tags=()):
    """A new account whose address carries the sink's behaviour tags (+t451n3, +p550,
    +slow200) in its local part; the sink keys its counters by address, so each customer is
    its own SMTP scenario."""
    local = unique(tag) + "".join("+" + t for t in sink_tags)
    address = (local + "@example.com").lower()
    password = "pw-" + unique("p")
    client = Client()
    must(client.post("/api/v1/register",
                     {"email": address, "password": password, "name": "Mail " + tag}), 201)
    return login(client, address, password)


def admin():
    return login(Client(), env("CONTRACT_ADMIN_EMAIL"), env("CONTRACT_ADMIN_PASSWORD"))


# ---- the operator's side ----------------------------------------------------------------

def rfc3339(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def late_evening_utc(days_ahead):
    """23:30 UTC, days_ahead days from now: east of UTC that is already the next day, so a
    mail showing UTC instead of the theatre's time has the wrong date and hour."""
    day = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days_ahead)
    return datetime.datetime(day.year, day.month, day.day, 23, 30, tzinfo=datetime.timezone.utc)


class Show:
    def __init__(self, movie, theatre, show, seats):
        self.movie = movie
        self.theatre = theatre
        self.show = show
        self.id = show["id"]
        self.seats = seats  # the grid, in its order
        self.time = parse_time(show["time"])


def make_show(adm, title, theatre_name, timezone="UTC", rows=(("A", 8), ("B", 8)),
              starts=None, duration_mins=120):
    """A movie, a theatre and a show of both, all new: no show of another suite can overlap
    it, and no other suite books its seats."""
    c = adm.client
    movie = must(c.post("/api/v1/admin/movies", {
        "title": title, "description": "Made by the mail suites.",
        "duration_mins": duration_mins, "rating": "PG"}), 201)
    theatre = must(c.post("/api/v1/admin/theatres", {
        "name": theatre_name, "location": "1 Rue des Tests", "timezone": timezone,
        "rows": [{"row": r, "seats": n} for r, n in rows]}), 201)
    show = must(c.post("/api/v1/admin/shows", {
        "movie_id": movie["id"], "theatre_id": theatre["id"],
        "time": rfc3339(starts or late_evening_utc(3))}), 201)
    seats = must(c.get("/api/v1/shows/%d/seats" % show["id"]), 200)
    return Show(movie, theatre, show, seats)


def book(user, show_id, seats):
    """Holds then books the seats (grid entries); returns the booking's answer, whatever
    it is. A failed hold fails at once: the booking would say nothing useful."""
    for seat in seats:
        must(user.client.patch("/api/v1/seats/%d/lock" % seat["id"]), 200)
    return user.client.post("/api/v1/bookings",
                            {"show_id": show_id, "seat_ids": [s["id"] for s in seats]})


# ---- the database -----------------------------------------------------------------------

def db_rows(sql):
    """Rows of a query, as lists of text ("NULL" for NULL), through the mariadb client as
    the tests' database account (root over the private server's socket)."""
    cmd = ["mariadb", "--socket=" + env("DB_SOCKET"), "-u" + env("DB_ADMIN_USER"),
           "--batch", "--skip-column-names", "--raw", env("DB_NAME"), "-e", sql]
    child_env = dict(os.environ)
    if os.environ.get("DB_ADMIN_PASSWORD"):
        child_env["MYSQL_PWD"] = os.environ["DB_ADMIN_PASSWORD"]
    out = subprocess.run(cmd, check=True, capture_output=True, env=child_env, timeout=30)
    return [line.split("\t") for line in out.stdout.decode("utf-8").splitlines()]


def outbox_rows_of_user(user_id):
    """How many mail_outbox rows name a booking of this user."""
    return int(db_rows("SELECT COUNT(*) FROM mail_outbox o JOIN bookings b "
                       "ON b.id = o.booking_id WHERE b.user_id = %d" % int(user_id))[0][0])


def outbox_rows(booking_ids, kind=None):
    """mail_outbox rows of these bookings: dicts of id, booking_id, kind, state, attempts,
    last_error."""
    if not booking_ids:
        return []
    ids = ",".join(str(int(b)) for b in booking_ids)
    where = "booking_id IN (%s)" % ids
    if kind:
        where += " AND kind = '%s'" % {"confirmation": "confirmation",
                                       "cancellation": "cancellation"}[kind]
    rows = db_rows("SELECT id, booking_id, kind, state, attempts, IFNULL(last_error, '') "
                   "FROM mail_outbox WHERE %s ORDER BY id" % where)
    return [{"id": int(r[0]), "booking_id": int(r[1]), "kind": r[2], "state": r[3],
             "attempts": int(r[4]), "last_error": r[5]} for r in rows]


# ---- the mailer -------------------------------------------------------------------------

def mailer_pids():
    """The seatd-mailer children of the API pool's master."""
    with open(os.path.join(env("STACK_RUN_DIR"), "seatd.pid")) as f:
        master = f.read().split()[0]
    out = subprocess.run(["pgrep", "-P", master, "-x", "seatd-mailer"],
                         capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


# ---- the sink ---------------------------------------------------------------------------

def sink_command(fn):
    """Runs sink_up / sink_down / sink_restart of scripts/lib/smtp_sink.sh on our sink."""
    child_env = dict(os.environ, SMTP_SINK_DIR=sink_dir(), SMTP_SINK_PORT=str(sink_port()))
    subprocess.run(["bash", "-c", 'source "$0" && ' + fn, SINK_LIB], check=True,
                   env=child_env, timeout=60)


class Mail:
    """One stored message: its raw bytes, parsed with the modern policy (RFC 2047 headers
    decoded), its text and its PNG."""

    def __init__(self, name, raw):
        self.name = name
        self.raw = raw
        self.msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.subject = str(self.msg.get("Subject", ""))
        ids = self.msg.get_all("Message-ID") or []
        self.message_ids = [str(i).strip() for i in ids]
        self.message_id = self.message_ids[0] if self.message_ids else None

    def raw_headers(self):
        end = self.raw.find(b"\r\n\r\n")
        if end < 0:
            end = self.raw.find(b"\n\n")
        return self.raw if end < 0 else self.raw[:end]

    def parts(self, content_type):
        return [p for p in self.msg.walk() if p.get_content_type() == content_type]

    def text(self):
        """The text/plain parts, each decoded with its own charset and transfer encoding."""
        return "\n".join(p.get_content() for p in self.parts("text/plain"))


class Sink:
    def __init__(self):
        self.dir = sink_dir()
        self._cache = {}

    def mails(self):
        """Every stored message, oldest first (the sink renames complete files into place,
        so none is half-written)."""
        try:
            names = sorted(n for n in os.listdir(self.dir) if re.fullmatch(r"\d{6}\.eml", n))
        except FileNotFoundError:
            return []
        out = []
        for n in names:
            if n not in self._cache:
                with open(os.path.join(self.dir, n), "rb") as f:
                    self._cache[n] = Mail(n, f.read())
            out.append(self._cache[n])
        return out

    def log(self):
        try:
            with open(os.path.join(self.dir, "log.jsonl"), encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def log_for(self, address, event=None):
        address = address.lower()
        return [e for e in self.log() if e["recipient"].lower() == address
                and (event is None or e["event"] == event)]

    def mails_to(self, address):
        """Messages delivered to this envelope recipient (from the sink's DATA log)."""
        files = [e["file"] for e in self.log_for(address, "DATA")]
        by_name = {m.name: m for m in self.mails()}
        return [by_name[f] for f in files if f in by_name]


def wait_for(what, timeout, probe, interval=0.1):
    """Polls probe() until it returns something true and returns that; fails naming what
    it waited for, and the last value seen, at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last: %r)"
                                 % (timeout, what, value))
        time.sleep(interval)


def poll(timeout, probe, done, interval=0.1):
    """Polls probe() until done(value) or the deadline; returns the last value either way,
    for the caller's assertions to describe."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if done(value) or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# ---- tickets ----------------------------------------------------------------------------

def decode_qr(png):
    """The text zbarimg reads from a PNG (no zbarimg is an error, not a skip)."""
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(png)
        f.flush()
        out = subprocess.run(["zbarimg", "--raw", "-q", f.name], capture_output=True,
                             timeout=30)
    if out.returncode != 0:
        raise AssertionError("zbarimg found no code (exit %d): %r"
                             % (out.returncode, out.stderr))
    return out.stdout.decode("utf-8")


def date_forms(local):
    """Ways a mail may write a local date: ISO, day month year, month day year, d/m/y."""
    month, mon = local.strftime("%B"), local.strftime("%b")
    return {
        local.strftime("%Y-%m-%d"),
        "%d %s %d" % (local.day, month, local.year), "%d %s %d" % (local.day, mon, local.year),
        "%s %d, %d" % (month, local.day, local.year), "%s %d, %d" % (mon, local.day, local.year),
        local.strftime("%d/%m/%Y"), local.strftime("%d.%m.%Y"),
    }


def report(line):
    """A fault figure: printed, and appended to MAIL_FAULTS_REPORT (ctest sets it) so a
    run's figures can be read in one place."""
    print(line, flush=True)
    path = os.environ.get("MAIL_FAULTS_REPORT")
    if path:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def date_header_time(mail):
    return email.utils.parsedate_to_datetime(str(mail.msg["Date"]))
