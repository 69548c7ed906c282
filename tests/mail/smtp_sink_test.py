#!/usr/bin/python3
"""The SMTP sink keeps its promises (tests/mail/smtp_sink.py): the mail suites' verdicts are
only as good as the server they talk to. Started and stopped through
scripts/lib/smtp_sink.sh on a scratch port and folder; no stack needed.
"""

import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import mailkit as mk

MESSAGE = (b"From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\n"
           b"Message-ID: <self-test@example.com>\r\n\r\nbody\r\n")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSinkTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="smtp-sink-test-")
        self.port = free_port()
        os.environ.update(SMTP_SINK_DIR=os.path.join(self.dir, "sink"),
                          SMTP_SINK_PORT=str(self.port))
        self.sink = mk.Sink()
        mk.sink_command("sink_up --fresh")

    def tearDown(self):
        mk.sink_command("sink_down")
        shutil.rmtree(self.dir)

    def send(self, rcpt):
        """The SMTP code the sink answers to RCPT (or DATA, when RCPT is accepted)."""
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as s:
            s.ehlo("self-test")
            s.mail("a@example.com")
            code, _ = s.rcpt(rcpt)
            if code != 250:
                return code
            code, _ = s.data(MESSAGE)
            return code

    def test_451_tag_refuses_the_first_n_attempts_then_accepts(self):
        rcpt = "x+t451n3@example.com"
        self.assertEqual([self.send(rcpt) for _ in range(5)], [451, 451, 451, 250, 250])
        self.assertEqual([e["code"] for e in self.sink.log_for(rcpt, "RCPT")],
                         [451, 451, 451, 250, 250])
        self.assertEqual(len(self.sink.mails_to(rcpt)), 2)
        # The count is per address: another one starts afresh.
        self.assertEqual(self.send("y+t451n1@example.com"), 451)

    def test_550_tag_always_refuses_and_stores_nothing(self):
        rcpt = "x+p550@example.com"
        self.assertEqual([self.send(rcpt) for _ in range(3)], [550, 550, 550])
        self.assertEqual(self.sink.mails_to(rcpt), [])
        self.assertEqual(self.sink.mails(), [])

    def test_slow_tag_delays_the_answer_to_data(self):
        t0 = time.monotonic()
        self.assertEqual(self.send("x+slow300@example.com"), 250)
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)

    def test_accepted_mail_is_stored_whole_and_numbering_survives_a_restart(self):
        self.assertEqual(self.send("plain@example.com"), 250)
        mk.sink_command("sink_restart")
        self.assertEqual(self.send("plain@example.com"), 250)
        mails = self.sink.mails_to("plain@example.com")
        self.assertEqual([m.name for m in mails], ["000001.eml", "000002.eml"])
        for m in mails:
            self.assertEqual(m.raw, MESSAGE)
            self.assertEqual(m.message_id, "<self-test@example.com>")
        data = self.sink.log_for("plain@example.com", "DATA")
        self.assertEqual([e["message_id"] for e in data], ["<self-test@example.com>"] * 2)

    def test_sink_down_closes_the_port(self):
        mk.sink_command("sink_down")
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
        mk.sink_command("sink_up")
        self.assertEqual(self.send("back@example.com"), 250)

    def test_starting_beside_a_stranger_on_the_port_fails(self):
        mk.sink_command("sink_down")
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", self.port))
            s.listen()
            r = subprocess.run(["bash", "-c", 'source "$0" && sink_up', mk.SINK_LIB],
                               capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("already answers", r.stderr)
        mk.sink_command("sink_up")


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=sys.argv)
