#!/usr/bin/python3
"""What a customer's mailbox receives (API.md Part 2, "Tickets and check-in"): the
confirmation mail's headers, MIME parts, text and QR code, the cancellation mails of a
customer's and of an operator's cancellation, and the ticket PNG endpoint.

Against the running stack (stack.env) whose SMTP_URL is the sink of
scripts/lib/smtp_sink.sh; see tests/mail/CMakeLists.txt.
"""

import datetime
import re
import sys
import time
import unittest
import zoneinfo

import mailkit as mk

TITLE = "Amélie – Le fabuleux destin"
THEATRE = "Cinéma Lumière"
TIMEZONE = "Europe/Paris"
MESSAGE_ID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
# RFC 5322 2.1.1: no line longer than 998 characters, CRLF excluded.
MAX_LINE = 998


class MailContentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        mk.check_stack_sends_to_sink()
        cls.sink = mk.Sink()
        cls.admin = mk.admin()
        cls.show = mk.make_show(cls.admin, "%s (%s)" % (TITLE, mk.unique("m")),
                                "%s %s" % (THEATRE, mk.unique("t")), timezone=TIMEZONE)
        cls.free_seats = list(cls.show.seats)

    def take_seats(self, n):
        seats, self.free_seats[:] = self.free_seats[:n], self.free_seats[n:]
        self.assertEqual(len(seats), n, "the show ran out of seats for this suite")
        return seats

    def book(self, user, seats, show=None):
        show = show or self.show
        r = mk.book(user, show.id, seats)
        self.answered_at = time.monotonic()
        body = mk.must(r, 201)
        self.assertEqual(body["status"], "CONFIRMED", r.describe())
        self.assertEqual(body["message"], "Ticket sent to your email.", r.describe())
        code = body.get("ticket_code")
        self.assertIsInstance(code, str, r.describe())
        # At least 128 bits of URL-safe text: 22 base64url or 32 hex characters at least.
        self.assertRegex(code, r"^[A-Za-z0-9_-]{22,}$")
        return body

    def one_mail(self, user, count=1, what="mail"):
        """Waits until the user has `count` mails, at most the contract's 5 s from the last
        answer that should have sent one; returns the newest."""
        left = mk.MAIL_WITHIN_S - (time.monotonic() - self.answered_at)
        mails = mk.wait_for("%s no. %d to %s" % (what, count, user.email), max(left, 0.0),
                            lambda: (lambda ms: ms if len(ms) >= count else None)(
                                self.sink.mails_to(user.email)))
        self.assertEqual(len(mails), count, "more mails than expected to %s" % user.email)
        return mails[-1]

    def check_headers(self, mail, user):
        raw = mail.raw_headers()
        self.assertTrue(all(b < 128 for b in raw),
                        "raw headers are not ASCII-only: %r" % raw[:400])
        for line in mail.raw.split(b"\r\n"):
            self.assertLessEqual(len(line), MAX_LINE, "a line over 998 characters")
        self.assertEqual([a.addr_spec for a in mail.msg["From"].addresses], [mk.mail_from()])
        self.assertEqual([a.addr_spec.lower() for a in mail.msg["To"].addresses], [user.email])
        sent = mk.date_header_time(mail)
        self.assertIsNotNone(sent.tzinfo, "Date has no zone: %s" % mail.msg["Date"])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - sent).total_seconds()), 600, "Date: %s" % mail.msg["Date"])
        self.assertEqual(len(mail.message_ids), 1, "Message-ID headers: %r" % mail.message_ids)
        self.assertRegex(mail.message_id, MESSAGE_ID)
        self.assertEqual(str(mail.msg["MIME-Version"]).strip(), "1.0")

    def check_qr(self, png, code):
        self.assertTrue(png.startswith(mk.PNG_SIGNATURE), "not a PNG: %r" % png[:16])
        self.assertEqual(mk.decode_qr(png), code + "\n")

    def test_confirmation_mail_carries_the_booking_and_its_qr_code(self):
        customer = mk.new_customer("content")
        seats = self.take_seats(2)
        booked = self.book(customer, seats)
        booking_id, code = booked["booking_id"], booked["ticket_code"]
        # A 201 always has its mail: the outbox row is written by the booking's transaction.
        rows = mk.outbox_rows([booking_id], "confirmation")
        self.assertEqual(len(rows), 1, rows)
        listed = [b for b in mk.must(customer.client.get("/api/v1/bookings"), 200)
                  if b["booking_id"] == booking_id]
        self.assertEqual([b.get("ticket_code") for b in listed], [code])

        mail = self.one_mail(customer, what="the confirmation")
        self.check_headers(mail, customer)
        self.assertIn(self.show.movie["title"], mail.subject)
        self.assertIn(mail.msg.get_content_type(), ("multipart/mixed", "multipart/related"))

        text = mail.text()
        self.assertTrue(text, "no text/plain part")
        self.assertIn(self.show.movie["title"], text)
        self.assertIn(self.show.theatre["name"], text)
        local = self.show.time.astimezone(zoneinfo.ZoneInfo(TIMEZONE))
        self.assertIn(local.strftime("%H:%M"), text, "the show's time in %s" % TIMEZONE)
        forms = mk.date_forms(local)
        self.assertTrue(any(f in text for f in forms),
                        "none of %s in the text:\n%s" % (sorted(forms), text))
        for seat in seats:
            self.assertRegex(text, r"\b%s\b" % re.escape(seat["name"]))
        self.assertRegex(text, r"(?<!\d)%d(?!\d)" % booking_id)
        self.assertIn(code, text)

        pngs = mail.parts("image/png")
        self.assertEqual(len(pngs), 1, "image/png parts: %d" % len(pngs))
        self.assertEqual(str(pngs[0]["Content-Transfer-Encoding"]).strip().lower(), "base64")
        self.check_qr(pngs[0].get_content(), code)

    def test_customer_cancellation_sends_a_cancelled_mail_with_its_own_message_id(self):
        customer = mk.new_customer("cancel")
        booked = self.book(customer, self.take_seats(2))
        confirmation = self.one_mail(customer, what="the confirmation")
        r = customer.client.delete("/api/v1/bookings/%d" % booked["booking_id"])
        self.answered_at = time.monotonic()
        self.assertEqual(mk.must(r, 200)["status"], "CANCELLED")
        rows = mk.outbox_rows([booked["booking_id"]], "cancellation")
        self.assertEqual(len(rows), 1, rows)

        cancelled = self.one_mail(customer, count=2, what="the cancellation")
        self.check_headers(cancelled, customer)
        self.assertIn("cancelled", cancelled.subject.lower())
        self.assertNotEqual(cancelled.message_id, confirmation.message_id)

    def test_show_cancellation_mails_every_confirmed_booking_once(self):
        show = mk.make_show(self.admin, "%s (%s)" % (TITLE, mk.unique("cancelled show")),
                            "%s %s" % (THEATRE, mk.unique("t")), timezone=TIMEZONE)
        first, second, gone = (mk.new_customer(t) for t in ("show-a", "show-b", "show-c"))
        bookings = {
            first: self.book(first, show.seats[0:2], show),
            second: self.book(second, show.seats[2:3], show),
            gone: self.book(gone, show.seats[3:4], show),
        }
        for user in bookings:
            self.one_mail(user, what="the confirmation")
        # The customer who cancelled before the show did has had the one mail it needs.
        mk.must(gone.client.delete("/api/v1/bookings/%d" % bookings[gone]["booking_id"]), 200)
        self.answered_at = time.monotonic()
        self.one_mail(gone, count=2, what="the customer's own cancellation")

        r = self.admin.client.delete("/api/v1/admin/shows/%d" % show.id)
        self.answered_at = time.monotonic()
        self.assertEqual(mk.must(r, 200)["bookings_cancelled"], 2, r.describe())
        # Written with the show's cancellation: exactly one cancellation mail per booking.
        for user, booked in bookings.items():
            rows = mk.outbox_rows([booked["booking_id"]], "cancellation")
            self.assertEqual(len(rows), 1, "%s: %r" % (user.email, rows))

        ids = set()
        for user in (first, second):
            mail = self.one_mail(user, count=2, what="the show's cancellation")
            self.check_headers(mail, user)
            self.assertIn("cancelled", mail.subject.lower())
            ids.add(mail.message_id)
        self.assertEqual(len(ids), 2, "two bookings, one Message-ID: %s" % ids)
        self.assertEqual(len(self.sink.mails_to(gone.email)), 2,
                         "a booking cancelled before its show got a second cancellation")

    def test_only_a_committed_booking_has_a_mail_and_a_replay_sends_none(self):
        customer = mk.new_customer("replay")
        seat = self.take_seats(1)[0]
        body = {"show_id": self.show.id, "seat_ids": [seat["id"]]}
        r = customer.client.post("/api/v1/bookings", body)
        self.assertEqual((r.status, r.json["code"]), (409, "seat_not_held"), r.describe())
        self.assertEqual(mk.outbox_rows_of_user(customer.id), 0)

        mk.must(customer.client.patch("/api/v1/seats/%d/lock" % seat["id"]), 200)
        key = {"Idempotency-Key": mk.unique("replay")}
        first = customer.client.post("/api/v1/bookings", body, headers=key)
        self.answered_at = time.monotonic()
        booked = mk.must(first, 201)
        again = customer.client.post("/api/v1/bookings", body, headers=key)
        self.assertEqual(mk.must(again, 201), booked)
        self.assertEqual(len(mk.outbox_rows([booked["booking_id"]])), 1)
        self.assertEqual(mk.outbox_rows_of_user(customer.id), 1)
        mail = self.one_mail(customer, what="the confirmation")
        self.assertIn(booked["ticket_code"], mail.text())

    def test_ticket_png_is_its_code_for_the_owner_and_staff_only(self):
        owner = mk.new_customer("png")
        booked = self.book(owner, self.take_seats(1))
        path = "/api/v1/bookings/%d/ticket.png" % booked["booking_id"]

        r = owner.client.get(path)
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.media_type(), "image/png")
        self.check_qr(r.body, booked["ticket_code"])

        stranger = mk.new_customer("png-stranger")
        r = stranger.client.get(path)
        self.assertEqual(r.status, 404, r.describe())
        self.assertEqual(r.media_type(), "application/problem+json")
        self.assertEqual(r.json["code"], "booking_not_found", r.describe())

        r = self.admin.client.get(path)
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.media_type(), "image/png")
        self.check_qr(r.body, booked["ticket_code"])

        r = mk.Client().get(path)
        self.assertEqual(r.status, 401, r.describe())


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=sys.argv)
