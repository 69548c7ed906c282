#include "mail/message.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace seats {
namespace {

// "=?UTF-8?Q?" + "?=" around each word; RFC 2047 allows 75 characters in all.
constexpr std::string_view kWordStart = "=?UTF-8?Q?", kWordEnd = "?=";
constexpr size_t kWordPayload = 75 - 10 - 2;

bool is_plain_header_text(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  // Literal "=?" would be read as the start of an encoded-word.
  return text.find("=?") == std::string_view::npos;
}

// One byte in a Q encoded-word of a Subject (RFC 2047 5(3)).
void q_encode_byte(unsigned char c, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  bool literal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
  if (c == ' ') {
    out.push_back('_');
  } else if (literal) {
    out.push_back(static_cast<char>(c));
  } else {
    out.push_back('=');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
}

// The length of the UTF-8 sequence starting with `lead` (1 for a stray byte, which is
// then encoded on its own).
size_t utf8_length(unsigned char lead) {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  return 1;
}

// ISO 4217 minor units for the currencies that do not have two.
int minor_digits(const std::string& currency) {
  static constexpr const char* kNone[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                          "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                                          "VND", "VUV", "XAF", "XOF", "XPF"};
  static constexpr const char* kThree[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
  for (const char* c : kNone) {
    if (currency == c) return 0;
  }
  for (const char* c : kThree) {
    if (currency == c) return 3;
  }
  return 2;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

std::string confirmation_text(const OutboxMail& mail, const MailContext& context,
                              const std::string& when) {
  std::string text = "Hello " + mail.customer_name + ",\n\n";
  text += "your booking is confirmed. Show this mail's QR code at the door, or give the\n";
  text += "ticket code below.\n\n";
  text += "Movie:    " + mail.movie_title + "\n";
  text += "Time:     " + when + "\n";
  text += "Theatre:  " + mail.theatre + ", " + mail.location + "\n";
  text += "Seats:    " + join(mail.seats, ", ") + "\n";
  text += "Total:    " + format_money(mail.total_cents, context.currency) + "\n";
  text += "Booking:  " + std::to_string(mail.booking_id) + "\n";
  text += "Ticket:   " + mail.ticket_code + "\n";
  if (!context.public_url.empty()) {
    text += "\nYour bookings, to see or cancel them: " + context.public_url + "/\n";
  }
  return text;
}

std::string cancellation_text(const OutboxMail& mail, const MailContext& context,
                              const std::string& when) {
  std::string text = "Hello " + mail.customer_name + ",\n\n";
  text += mail.show_cancelled ? "the cinema has cancelled this show, and with it your booking.\n"
                              : "your booking has been cancelled, as you asked.\n";
  text += "Its ticket is no longer valid.\n\n";
  text += "Movie:    " + mail.movie_title + "\n";
  text += "Time:     " + when + "\n";
  text += "Theatre:  " + mail.theatre + ", " + mail.location + "\n";
  text += "Seats:    " + join(mail.seats, ", ") + "\n";
  text += "Booking:  " + std::to_string(mail.booking_id) + "\n";
  if (!context.public_url.empty()) {
    text += "\nYour bookings: " + context.public_url + "/\n";
  }
  return text;
}

}  // namespace

std::string encode_header_text(std::string_view utf8) {
  if (is_plain_header_text(utf8)) return std::string(utf8);
  std::string out, word;
  auto flush_word = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += "\r\n ";  // folding: each word on a line of its own
    out += kWordStart;
    out += word;
    out += kWordEnd;
    word.clear();
  };
  for (size_t i = 0; i < utf8.size();) {
    size_t n = std::min(utf8_length(static_cast<unsigned char>(utf8[i])), utf8.size() - i);
    std::string encoded;
    for (size_t k = 0; k < n; ++k) q_encode_byte(static_cast<unsigned char>(utf8[i + k]), encoded);
    if (word.size() + encoded.size() > kWordPayload) flush_word();
    word += encoded;
    i += n;
  }
  flush_word();
  return out;
}

std::string local_show_time(const std::string& utc_datetime, const std::string& timezone) {
  std::tm utc{};
  if (std::sscanf(utc_datetime.c_str(), "%d-%d-%d %d:%d:%d", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec) != 6) {
    return utc_datetime + " UTC";
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  std::time_t when = timegm(&utc);
  setenv("TZ", timezone.c_str(), 1);
  tzset();
  std::tm local{};
  localtime_r(&when, &local);
  char text[96];
  std::strftime(text, sizeof text, "%A %-d %B %Y, %H:%M", &local);
  return std::string(text) + " (" + timezone + ")";
}

std::string format_money(int64_t minor_units, const std::string& currency) {
  int digits = minor_digits(currency);
  int64_t scale = digits == 0 ? 1 : digits == 2 ? 100 : 1000;
  int64_t whole = minor_units / scale, part = minor_units % scale;
  std::string text = std::to_string(whole);
  if (digits > 0) {
    std::string fraction = std::to_string(part < 0 ? -part : part);
    text += "." + std::string(static_cast<size_t>(digits) - fraction.size(), '0') + fraction;
  }
  return text + " " + currency;
}

std::string rfc5322_date(int64_t now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

ComposedMail compose_mail(const OutboxMail& mail, const MailContext& context, int64_t now) {
  std::string when = local_show_time(mail.start_time, mail.timezone);
  bool confirmation = mail.kind == MailKind::Confirmation;
  std::string subject = confirmation ? "Your tickets: " + mail.movie_title
                                     : "Booking " + std::to_string(mail.booking_id) +
                                           " cancelled: " + mail.movie_title;
  std::string message_id = "<mail-" + std::to_string(mail.id) + ".booking-" +
                           std::to_string(mail.booking_id) + "@" + domain_of(context.from) + ">";
  ComposedMail composed;
  composed.headers = {
      "From: " + context.from,
      "To: " + mail.to,
      "Subject: " + encode_header_text(subject),
      "Date: " + rfc5322_date(now),
      "Message-ID: " + message_id,
  };
  composed.text = confirmation ? confirmation_text(mail, context, when)
                               : cancellation_text(mail, context, when);
  composed.attach_ticket = confirmation;
  return composed;
}

}  // namespace seats
