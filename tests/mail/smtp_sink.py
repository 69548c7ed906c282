#!/usr/bin/python3
"""A real SMTP server on loopback that keeps what it accepts, for the mail suites.

Runs under Debian's /usr/bin/python3 with python3-aiosmtpd (the pyenv python on PATH
cannot import Debian's modules). Usage:

    smtp_sink.py --host 127.0.0.1 --port 18025 --dir DIR --pidfile DIR/sink.pid

Every accepted message is stored as DIR/NNNNNN.eml, exactly the bytes the client sent
after DATA. It is written under a dot-name and renamed, so a reader never sees half a
file; numbering continues after the highest file already there, so a restart keeps the
sequence. Every RCPT and DATA answer is one JSON line in DIR/log.jsonl:

    {"time": "2026-12-02T03:59:10.305+00:00", "event": "RCPT", "recipient": "a+t451n3@x", "code": 451}
    {"time": "...Z", "event": "DATA", "recipient": "a@x", "code": 250,
     "file": "000007.eml", "message_id": "<...>"}

Behaviour is chosen per recipient by tags in its local part, '+'-separated, so tests
running side by side never change each other's server:

    +t451nN   answer 451 to the first N RCPT attempts for this address, then accept
    +p550     always answer 550 at RCPT (a permanent refusal)
    +slowMS   wait MS milliseconds before answering DATA (to slow a batch down); the
              message is stored first, so a sender killed meanwhile sends it again

Anything else is accepted. The pidfile is written once the port listens and removed on
SIGTERM/SIGINT.
"""

import argparse
import asyncio
import datetime
import email.parser
import email.policy
import json
import os
import re
import signal
import sys

from aiosmtpd.smtp import SMTP

TAG_TEMPFAIL = re.compile(r"^t451n(\d+)$")
TAG_PERMFAIL = "p550"
TAG_SLOW = re.compile(r"^slow(\d+)$")
EML_NAME = re.compile(r"^(\d{6})\.eml$")


def tags_of(address):
    local = address.rsplit("@", 1)[0]
    return local.split("+")[1:]


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


class Sink:
    def __init__(self, directory):
        self.dir = directory
        self.log = open(os.path.join(directory, "log.jsonl"), "a", encoding="utf-8")
        # RCPT attempts per address, for +t451nN: the count of a retrying sender.
        self.rcpt_attempts = {}
        self.next_number = 1 + max(
            (int(m.group(1)) for m in map(EML_NAME.match, os.listdir(directory)) if m),
            default=0,
        )

    def record(self, **entry):
        # One line, flushed at once: a test reads the log while the sink runs.
        self.log.write(json.dumps({"time": now_utc(), **entry}) + "\n")
        self.log.flush()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        self.rcpt_attempts[key] = self.rcpt_attempts.get(key, 0) + 1
        code, reply = 250, "250 OK"
        for tag in tags_of(key):
            m = TAG_TEMPFAIL.match(tag)
            if m and self.rcpt_attempts[key] <= int(m.group(1)):
                code, reply = 451, "451 4.3.0 Try again later (sink tag t451)"
            if tag == TAG_PERMFAIL:
                code, reply = 550, "550 5.1.1 No such user here (sink tag p550)"
        self.record(event="RCPT", recipient=address, code=code)
        if code == 250:
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        name = "%06d.eml" % self.next_number
        self.next_number += 1
        tmp = os.path.join(self.dir, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.dir, name))
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(content)
        message_id = headers.get("Message-ID")
        for rcpt in envelope.rcpt_tos:
            self.record(event="DATA", recipient=rcpt, code=250, file=name,
                        message_id=str(message_id) if message_id is not None else None)
        # Kept before the (slow) answer, as a real server that has queued the message: a
        # sender that dies before it reads the 250 leaves a copy it will send again.
        delay_ms = max((int(m.group(1)) for rcpt in envelope.rcpt_tos
                        for m in map(TAG_SLOW.match, tags_of(rcpt.lower())) if m), default=0)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        return "250 2.0.0 Stored as " + name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--pidfile", required=True)
    args = parser.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    sink = Sink(args.dir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # A fixed hostname: aiosmtpd would otherwise ask getfqdn(), which may wait on DNS.
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(sink, hostname="smtp-sink", loop=loop),
        host=args.host, port=args.port, reuse_address=True))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    tmp = args.pidfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, args.pidfile)
    print("smtp-sink: listening on %s:%d, storing in %s" % (args.host, args.port, args.dir),
          file=sys.stderr, flush=True)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        try:
            os.unlink(args.pidfile)
        except FileNotFoundError:
            pass
        print("smtp-sink: stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
