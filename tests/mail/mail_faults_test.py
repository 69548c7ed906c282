#!/usr/bin/python3
"""Mail under faults (issue 14; API.md Part 2, "Tickets and check-in"): the SMTP server
down during 50 bookings, the mailer killed with SIGKILL in the middle of a batch, a server
answering 451 (retried) and 550 (failed, not retried, booking unaffected).

It stops and starts the stack's SMTP sink and kills seatd's mailer, so CTest runs it alone
(RUN_SERIAL). Each scenario prints one "FAULT scenario=mail_... key=value ..." line, also
appended to MAIL_FAULTS_REPORT, whether it passed or not.
"""

import os
import signal
import sys
import time
import unittest

import mailkit as mk

# The mailer backs off to at most 60 s between attempts (API.md): once the server is back,
# every mail is there within one full back-off step plus the time to send them.
RECOVERY_S = 90.0
# No API answer waits for mail: a booking with the SMTP server down is as quick as any.
BOOKING_MAX_S = 2.0
# Failed attempts at each mail before the SMTP server comes back, and how long they may
# take: the first within 5 s, then at most 60 s apart.
DOWN_ATTEMPTS = 3
DOWN_ATTEMPTS_WITHIN_S = 5.0 + 60.0 * (DOWN_ATTEMPTS - 1) + 5.0
# From a copy stored by the sink to its row marked sent: the sink's slow answer and a commit.
MARK_AFTER_STORE_S = 5.0
# Long enough that the batch is still being sent when the mailer is killed.
SLOW_TAG = "slow300"


def rows_of(n_rows, seats):
    return tuple((chr(ord("A") + i), seats) for i in range(n_rows))


class Figures:
    """One FAULT line, printed when the scenario ends, whatever its outcome."""

    def __init__(self, scenario):
        self.items = [("scenario", scenario)]

    def add(self, key, value):
        if isinstance(value, float):
            value = "%.3f" % value
        self.items.append((key, value))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.add("result", "ok" if exc_type is None else "FAILED")
        mk.report("FAULT " + " ".join("%s=%s" % kv for kv in self.items))
        return False


class MailFaultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        mk.check_stack_sends_to_sink()
        cls.sink = mk.Sink()
        cls.admin = mk.admin()

    def new_show(self, tag, n_rows, seats):
        return mk.make_show(self.admin, "Mail fault %s" % mk.unique(tag),
                            "Fault hall %s" % mk.unique(tag), rows=rows_of(n_rows, seats))

    def book_each_seat(self, show, customers, latencies=None):
        """One booking per seat, customers in turn; returns (customer, 201 body) pairs."""
        out = []
        for i, seat in enumerate(show.seats):
            user = customers[i % len(customers)]
            mk.must(user.client.patch("/api/v1/seats/%d/lock" % seat["id"]), 200)
            t0 = time.monotonic()
            r = user.client.post("/api/v1/bookings", {"show_id": show.id, "seat_id": seat["id"]})
            if latencies is not None:
                latencies.append(time.monotonic() - t0)
            out.append((user, mk.must(r, 201)))
        return out

    def copies(self, bookings):
        """For each booking, the stored mails to its customer whose text carries its code."""
        result = []
        for user, booked in bookings:
            code = booked["ticket_code"]
            result.append([m for m in self.sink.mails_to(user.email) if code in m.text()])
        return result

    def delivered(self, customers):
        return sum(len(self.sink.log_for(u.email, "DATA")) for u in customers)

    def check_one_message_id_each(self, bookings, copies):
        firsts = set()
        for (user, booked), found in zip(bookings, copies):
            self.assertTrue(found, "booking %d of %s has no mail"
                            % (booked["booking_id"], user.email))
            ids = {m.message_id for m in found}
            self.assertEqual(len(ids), 1, "booking %d: copies with Message-IDs %s"
                             % (booked["booking_id"], ids))
            self.assertIsNotNone(found[0].message_id)
            self.assertRegex(found[0].text(), r"(?<!\d)%d(?!\d)" % booked["booking_id"])
            firsts.add(found[0].message_id)
        self.assertEqual(len(firsts), len(bookings), "two bookings share a Message-ID")

    def check_all_sent(self, bookings):
        """Every booking's one confirmation row ends sent. The sink keeps a message before it
        answers (slowly, for +slow recipients), and the mailer marks the row after the
        answer: a stored copy may precede its row's mark by that long."""
        ids = [b["booking_id"] for _, b in bookings]
        rows = mk.poll(MARK_AFTER_STORE_S, lambda: mk.outbox_rows(ids, "confirmation"),
                       lambda rows: all(r["state"] == "sent" for r in rows))
        self.assertEqual(len(rows), len(bookings), "one confirmation row per booking")
        self.assertEqual([r for r in rows if r["state"] != "sent"], [])
        return rows

    def test_smtp_server_down_during_50_bookings_then_every_mail_arrives_once(self):
        with Figures("mail_smtp_down") as fig:
            show = self.new_show("down", 5, 10)
            customers = [mk.new_customer("down") for _ in range(10)]
            latencies = []
            mk.sink_command("sink_down")
            down_at = time.monotonic()
            try:
                bookings = self.book_each_seat(show, customers, latencies)
                fig.add("bookings", len(bookings))
                fig.add("max_booking_s", max(latencies))
                ids = [b["booking_id"] for _, b in bookings]
                # Every mail must have failed DOWN_ATTEMPTS times while the server was down:
                # what comes after is the mailer's back-off at work, not a first attempt.
                mk.wait_for("%d failed attempts at each of the 50 mails" % DOWN_ATTEMPTS,
                            DOWN_ATTEMPTS_WITHIN_S,
                            lambda: all(r["attempts"] >= DOWN_ATTEMPTS
                                        for r in mk.outbox_rows(ids)), interval=0.5)
                down_rows = mk.outbox_rows(ids, "confirmation")
                fig.add("down_s", time.monotonic() - down_at)
                fig.add("sent_while_down", sum(r["state"] == "sent" for r in down_rows))
                fig.add("attempts_while_down", sum(r["attempts"] for r in down_rows))
            finally:
                up_at = time.monotonic()
                mk.sink_command("sink_up")
            self.assertEqual(len(bookings), 50)
            self.assertLess(max(latencies), BOOKING_MAX_S)
            self.assertEqual([r for r in down_rows if r["state"] != "pending"], [])

            mk.wait_for("the 50 mails after the server came back", RECOVERY_S,
                        lambda: self.delivered(customers) >= 50, interval=0.5)
            fig.add("recovery_s", time.monotonic() - up_at)
            copies = self.copies(bookings)
            fig.add("mails", sum(len(c) for c in copies))
            fig.add("repeats", sum(len(c) - 1 for c in copies if c))
            self.check_one_message_id_each(bookings, copies)
            # Nothing was accepted before the server went away, so nothing can come twice.
            self.assertEqual([len(c) for c in copies], [1] * 50)
            self.assertEqual(self.delivered(customers), 50)
            rows = self.check_all_sent(bookings)
            fig.add("max_attempts", max(r["attempts"] for r in rows))

    def test_mailer_killed_mid_batch_every_mail_arrives_and_repeats_keep_their_message_id(self):
        with Figures("mail_mailer_kill") as fig:
            show = self.new_show("kill", 3, 10)
            customers = [mk.new_customer("kill", [SLOW_TAG]) for _ in range(6)]
            before = mk.mailer_pids()
            self.assertEqual(len(before), 1, "seatd-mailer processes: %s" % before)
            bookings = self.book_each_seat(show, customers)
            fig.add("bookings", len(bookings))
            mk.wait_for("the first mails of the batch", 15,
                        lambda: self.delivered(customers) >= 3, interval=0.05)
            os.kill(before[0], signal.SIGKILL)
            killed_at = time.monotonic()
            at_kill = self.delivered(customers)
            fig.add("delivered_at_kill", at_kill)
            self.assertLess(at_kill, len(bookings),
                            "the whole batch was sent before the kill: nothing was cut short")

            after = mk.wait_for("a new seatd-mailer", 10,
                                lambda: [p for p in mk.mailer_pids() if p != before[0]],
                                interval=0.05)
            fig.add("respawn_s", time.monotonic() - killed_at)
            self.assertEqual(len(after), 1, "seatd-mailer processes: %s" % after)

            mk.wait_for("every mail of the batch", RECOVERY_S,
                        lambda: all(self.copies(bookings)), interval=0.5)
            fig.add("recovery_s", time.monotonic() - killed_at)
            copies = self.copies(bookings)
            fig.add("mails", sum(len(c) for c in copies))
            fig.add("repeats", sum(len(c) - 1 for c in copies))
            self.check_one_message_id_each(bookings, copies)
            self.check_all_sent(bookings)

    def test_a_451_recipient_is_retried_until_accepted(self):
        with Figures("mail_451") as fig:
            show = self.new_show("t451", 1, 1)
            user = mk.new_customer("t451", ["t451n3"])
            (_, booked), = self.book_each_seat(show, [user])
            booked_at = time.monotonic()
            rows = mk.wait_for("the 451 recipient's mail to be sent", 60,
                               lambda: [r for r in mk.outbox_rows([booked["booking_id"]])
                                        if r["state"] != "pending"], interval=0.2)
            fig.add("delivered_s", time.monotonic() - booked_at)
            fig.add("state", rows[0]["state"])
            fig.add("attempts", rows[0]["attempts"])
            codes = [e["code"] for e in self.sink.log_for(user.email, "RCPT")]
            fig.add("rcpt_codes", ",".join(map(str, codes)))
            self.assertEqual(len(rows), 1, rows)
            self.assertEqual(rows[0]["state"], "sent", rows)
            self.assertEqual(rows[0]["attempts"], 4, rows)
            self.assertEqual(codes, [451, 451, 451, 250])
            mails = self.sink.mails_to(user.email)
            self.assertEqual(len(mails), 1)
            self.assertIn(booked["ticket_code"], mails[0].text())

    def test_a_550_recipient_is_marked_failed_not_retried_and_the_booking_stands(self):
        with Figures("mail_550") as fig:
            show = self.new_show("p550", 1, 1)
            user = mk.new_customer("p550", ["p550"])
            (_, booked), = self.book_each_seat(show, [user])
            booking_id = booked["booking_id"]
            rows = mk.wait_for("the 550 recipient's mail to be given up", 15,
                               lambda: [r for r in mk.outbox_rows([booking_id])
                                        if r["state"] != "pending"], interval=0.2)
            fig.add("state", rows[0]["state"])
            self.assertEqual(len(rows), 1, rows)
            self.assertEqual(rows[0]["state"], "failed", rows)
            self.assertIn("550", rows[0]["last_error"])
            # A permanent refusal is final: watch for a retry over a span longer than the
            # first back-off steps.
            time.sleep(10)
            later = mk.outbox_rows([booking_id])
            attempts = self.sink.log_for(user.email, "RCPT")
            fig.add("rcpt_attempts_10s", len(attempts))
            fig.add("attempts", later[0]["attempts"])
            self.assertEqual([e["code"] for e in attempts], [550])
            self.assertEqual(later, rows, "the failed row changed afterwards")
            self.assertEqual(self.sink.mails_to(user.email), [])
            listed = [b for b in mk.must(user.client.get("/api/v1/bookings"), 200)
                      if b["booking_id"] == booking_id]
            self.assertEqual([b["status"] for b in listed], ["CONFIRMED"])


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=sys.argv)
