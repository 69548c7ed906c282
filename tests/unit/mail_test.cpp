// The mail's words and headers (app/mail/message.*) and the mailer's back-off: pure
// functions, checked here without a server. What reaches an SMTP server is checked by the
// mail suites against a real one (tests/mail).
#include <gtest/gtest.h>

#include "mail/mailer.hpp"
#include "mail/message.hpp"

namespace seats {
namespace {

OutboxMail Sample(MailKind kind) {
  OutboxMail m{};
  m.id = 41;
  m.booking_id = 7;
  m.kind = kind;
  m.to = "kim@example.com";
  m.customer_name = "Kim";
  m.movie_title = "Metropolis";
  m.start_time = "2026-12-05 19:00:00";
  m.theatre = "Studio 1";
  m.location = "Main St 1";
  m.timezone = "Europe/Berlin";
  m.ticket_code = std::string(32, 'a');
  m.total_cents = 2500;
  m.seats = {"A1", "A2"};
  return m;
}

const MailContext kContext{"tickets@cinema.example", "https://cinema.example", "EUR"};

std::string Header(const ComposedMail& mail, const std::string& name) {
  for (const std::string& h : mail.headers) {
    if (h.rfind(name + ": ", 0) == 0) return h.substr(name.size() + 2);
  }
  return "";
}

TEST(MailHeader, PlainAsciiStaysAsItIs) {
  EXPECT_EQ(encode_header_text("Your tickets: Metropolis"), "Your tickets: Metropolis");
}

TEST(MailHeader, NonAsciiBecomesQEncodedWordsThatNeverSplitACharacter) {
  EXPECT_EQ(encode_header_text("Amélie"), "=?UTF-8?Q?Am=C3=A9lie?=");
  EXPECT_EQ(encode_header_text("a b_c=d?"), "a b_c=d?") << "printable ASCII needs no encoding";
  EXPECT_EQ(encode_header_text("x=?y"), "=?UTF-8?Q?x=3D=3Fy?=") << "'=?' would start a word";
  EXPECT_EQ(encode_header_text("é_ ?"), "=?UTF-8?Q?=C3=A9=5F_=3F?=");
  // A long title: every word at most 75 characters, on lines of their own, and the
  // characters (3 bytes each, 9 encoded characters) whole in each.
  std::string title;
  for (int i = 0; i < 40; ++i) title += "\xe2\x80\x93";  // en dash
  const std::string encoded = encode_header_text(title);
  size_t start = 0, words = 0;
  while (start < encoded.size()) {
    size_t end = encoded.find("\r\n ", start);
    std::string word = encoded.substr(start, end == std::string::npos ? end : end - start);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.rfind("=?UTF-8?Q?", 0), 0u) << word;
    EXPECT_EQ((word.size() - 12) % 9, 0u) << "a character split across words: " << word;
    ++words;
    if (end == std::string::npos) break;
    start = end + 3;
  }
  EXPECT_GT(words, 1u);
}

TEST(MailHeader, ControlCharactersCannotStartAHeaderOfTheirOwn) {
  const std::string encoded = encode_header_text("Film\r\nBcc: someone@example.com");
  EXPECT_EQ(encoded.find("\r\nBcc"), std::string::npos) << encoded;
  EXPECT_NE(encoded.find("=0D=0A"), std::string::npos) << encoded;
}

TEST(MailText, TheShowTimeIsOnTheTheatresClock) {
  EXPECT_EQ(local_show_time("2026-12-05 19:00:00", "Europe/Berlin"),
            "Saturday 5 December 2026, 20:00 (Europe/Berlin)");
  EXPECT_EQ(local_show_time("2026-07-05 19:00:00.000000", "Europe/Berlin"),
            "Sunday 5 July 2026, 21:00 (Europe/Berlin)")
      << "summer time";
  EXPECT_EQ(local_show_time("2026-12-05 19:00:00", "Asia/Kolkata"),
            "Sunday 6 December 2026, 00:30 (Asia/Kolkata)");
  EXPECT_EQ(local_show_time("2026-12-05 19:00:00", "UTC"), "Saturday 5 December 2026, 19:00 (UTC)");
}

TEST(MailText, MoneyHasTheCurrencysOwnDecimals) {
  EXPECT_EQ(format_money(2500, "USD"), "25.00 USD");
  EXPECT_EQ(format_money(1205, "EUR"), "12.05 EUR");
  EXPECT_EQ(format_money(0, "EUR"), "0.00 EUR");
  EXPECT_EQ(format_money(1500, "JPY"), "1500 JPY");
  EXPECT_EQ(format_money(12345, "KWD"), "12.345 KWD");
}

TEST(MailText, TheDateHeaderIsRfc5322InUtc) {
  EXPECT_EQ(rfc5322_date(1796184626), "Wed, 02 Dec 2026 04:10:26 +0000");
}

TEST(Mail, AConfirmationSaysEverythingTheDoorNeeds) {
  const ComposedMail mail = compose_mail(Sample(MailKind::Confirmation), kContext, 1796184626);
  EXPECT_EQ(Header(mail, "From"), "tickets@cinema.example");
  EXPECT_EQ(Header(mail, "To"), "kim@example.com");
  EXPECT_EQ(Header(mail, "Subject"), "Your tickets: Metropolis");
  EXPECT_EQ(Header(mail, "Date"), "Wed, 02 Dec 2026 04:10:26 +0000");
  EXPECT_EQ(Header(mail, "Message-ID"), "<mail-41.booking-7@cinema.example>");
  EXPECT_TRUE(mail.attach_ticket);
  for (const char* part : {"Metropolis", "Saturday 5 December 2026, 20:00 (Europe/Berlin)",
                           "Studio 1, Main St 1", "A1, A2", "25.00 EUR", "Booking:  7",
                           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "https://cinema.example/"}) {
    EXPECT_NE(mail.text.find(part), std::string::npos) << part << "\n" << mail.text;
  }
}

TEST(Mail, TheMessageIdIsTheSameOnEveryAttempt) {
  const OutboxMail m = Sample(MailKind::Confirmation);
  OutboxMail retried = m;
  retried.attempts = 5;
  EXPECT_EQ(Header(compose_mail(m, kContext, 1), "Message-ID"),
            Header(compose_mail(retried, kContext, 99999), "Message-ID"));
  OutboxMail other = m;
  other.id = 42;
  EXPECT_NE(Header(compose_mail(m, kContext, 1), "Message-ID"),
            Header(compose_mail(other, kContext, 1), "Message-ID"));
}

TEST(Mail, ACancellationSaysSoAndWhoCancelled) {
  OutboxMail m = Sample(MailKind::Cancellation);
  ComposedMail mine = compose_mail(m, kContext, 1);
  EXPECT_EQ(Header(mine, "Subject"), "Booking 7 cancelled: Metropolis");
  EXPECT_FALSE(mine.attach_ticket) << "a cancelled booking's ticket is not sent again";
  EXPECT_NE(mine.text.find("as you asked"), std::string::npos) << mine.text;
  m.show_cancelled = true;
  ComposedMail theirs = compose_mail(m, kContext, 1);
  EXPECT_NE(theirs.text.find("the cinema has cancelled this show"), std::string::npos)
      << theirs.text;
}

TEST(Mail, NoLinkWithoutAPublicUrl) {
  const ComposedMail mail =
      compose_mail(Sample(MailKind::Confirmation), {"tickets@localhost", "", "USD"}, 1);
  EXPECT_EQ(mail.text.find("http"), std::string::npos) << mail.text;
}

TEST(Mailer, RetriesBackOffFromOneSecondToAMinute) {
  const int expected[] = {1, 2, 4, 8, 16, 32, 60, 60, 60};
  for (int attempt = 1; attempt <= 9; ++attempt) {
    EXPECT_EQ(retry_delay_seconds(attempt), expected[attempt - 1]) << attempt;
  }
  EXPECT_EQ(retry_delay_seconds(1000), 60);
}

}  // namespace
}  // namespace seats
