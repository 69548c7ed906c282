#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mail/outbox.hpp"

namespace seats {

// What the mailer hands to SMTP for one outbox row: RFC 5322 header lines (without the
// line break) and the text part; the QR code is attached by the sender for confirmations.
struct ComposedMail {
  std::vector<std::string> headers;
  std::string text;
  bool attach_ticket;
};

struct MailContext {
  std::string from;        // MAIL_FROM
  std::string public_url;  // PUBLIC_URL, may be empty
  std::string currency;    // CURRENCY
};

// The mail for one outbox row, sent at `now` (seconds since the epoch, for its Date).
// Its Message-ID depends only on the row, so every retry of one mail carries the same one.
ComposedMail compose_mail(const OutboxMail& mail, const MailContext& context, int64_t now);

// RFC 2047: the header text as it is when it is plain printable ASCII, else as UTF-8
// "Q" encoded-words of at most 75 characters, folded onto continuation lines, never
// splitting a character. (Q, not B: base64 stays libcurl's job, for the PNG part.)
std::string encode_header_text(std::string_view utf8);

// A UTC DATETIME ("2026-12-05 19:00:00") on the clock of IANA zone `timezone`, as
// "Saturday 5 December 2026, 20:00 (Europe/Berlin)". Reads the tz database through TZ:
// only for a process of its own (the mailer), since TZ is process-wide.
std::string local_show_time(const std::string& utc_datetime, const std::string& timezone);

// An amount in the currency's minor units as "25.00 USD" (no decimals for yen and the
// other currencies ISO 4217 gives none, three for dinars).
std::string format_money(int64_t minor_units, const std::string& currency);

// "Date:" value per RFC 5322 for `now`, in UTC.
std::string rfc5322_date(int64_t now);

}  // namespace seats
