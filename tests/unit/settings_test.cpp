#include "settings.hpp"

#include <gtest/gtest.h>

namespace seats {
namespace {

const std::string kSecret(32, 's');

std::string error_of(const std::map<std::string, std::string>& values) {
  try {
    parse_settings(values);
  } catch (const SettingsError& e) {
    return e.message;
  }
  return "";
}

TEST(Settings, DefaultsMatchTheContract) {
  Settings s = parse_settings({{"JWT_SECRET", kSecret}});
  EXPECT_EQ(s.hold_seconds, 600);
  EXPECT_EQ(s.max_holds_per_show, 10);
  EXPECT_EQ(s.token_ttl_seconds, 3600);
  EXPECT_EQ(s.bcrypt_cost, 12);
  EXPECT_GE(s.workers, 2);
}

TEST(Settings, ShortSecretStopsTheService) {
  EXPECT_NE(error_of({{"JWT_SECRET", std::string(31, 's')}}).find("JWT_SECRET"), std::string::npos);
  EXPECT_NE(error_of({}).find("JWT_SECRET"), std::string::npos);
}

TEST(Settings, BadNumbersNameTheVariable) {
  EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"HOLD_SECONDS", "ten"}}).find("HOLD_SECONDS"),
            std::string::npos);
  EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"WORKERS", "0"}}).find("WORKERS"),
            std::string::npos);
  EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"BCRYPT_COST", "3"}}).find("BCRYPT_COST"),
            std::string::npos);
  EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"DB_PORT", "70000"}}).find("DB_PORT"),
            std::string::npos);
  EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"HOLD_SECONDS", "5s"}}).find("HOLD_SECONDS"),
            std::string::npos);
}

TEST(Settings, SeatMapCacheCanBeTurnedOffButNotMadeNegative) {
  EXPECT_EQ(parse_settings({{"JWT_SECRET", kSecret}}).seat_map_cache_ms, 1000);
  EXPECT_EQ(parse_settings({{"JWT_SECRET", kSecret}, {"SEAT_MAP_CACHE_MS", "0"}}).seat_map_cache_ms,
            0);
  EXPECT_NE(
      error_of({{"JWT_SECRET", kSecret}, {"SEAT_MAP_CACHE_MS", "-1"}}).find("SEAT_MAP_CACHE_MS"),
      std::string::npos);
}

TEST(Settings, ThrottlesAndTimeoutHaveTheirContractDefaultsAndBounds) {
  Settings s = parse_settings({{"JWT_SECRET", kSecret}});
  EXPECT_EQ(s.login_failures, 10);
  EXPECT_EQ(s.request_timeout_seconds, 30);
  EXPECT_EQ(s.idempotency_keys_per_day, 500);
  EXPECT_EQ(parse_settings({{"JWT_SECRET", kSecret}, {"LOGIN_FAILURES", "0"}}).login_failures, 0)
      << "0 turns the per-account throttle off";
  for (const char* name : {"LOGIN_FAILURES", "REQUEST_TIMEOUT", "IDEMPOTENCY_KEYS_PER_DAY"}) {
    EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {name, "-1"}}).find(name), std::string::npos);
  }
  EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"REQUEST_TIMEOUT", "4"}}).find("REQUEST_TIMEOUT"),
            std::string::npos)
      << "shorter than a lock wait and its retries: every contended hold would time out";
  EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"IDEMPOTENCY_KEYS_PER_DAY", "0"}})
                .find("IDEMPOTENCY_KEYS_PER_DAY"),
            std::string::npos);
}

TEST(Settings, CurrencyIsAnIso4217Code) {
  EXPECT_EQ(parse_settings({{"JWT_SECRET", kSecret}}).currency, "USD");
  EXPECT_EQ(parse_settings({{"JWT_SECRET", kSecret}, {"CURRENCY", "EUR"}}).currency, "EUR");
  for (const char* bad : {"eur", "EURO", "E1R", "US"}) {
    EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"CURRENCY", bad}}).find("CURRENCY"),
              std::string::npos)
        << bad;
  }
}

TEST(Settings, SocketModeIsOctal) {
  EXPECT_EQ(
      parse_settings({{"JWT_SECRET", kSecret}, {"FCGI_SOCKET_MODE", "0600"}}).fcgi_socket_mode,
      0600);
}

TEST(Settings, MailIsOffUnlessAnSmtpUrlIsGiven) {
  Settings off = parse_settings({{"JWT_SECRET", kSecret}});
  EXPECT_EQ(off.smtp_url, "");
  EXPECT_EQ(off.mail_from, "tickets@localhost");
  EXPECT_EQ(off.public_url, "");
  EXPECT_TRUE(off.mailer);
  Settings on = parse_settings({{"JWT_SECRET", kSecret},
                                {"SMTP_URL", "smtps://mail.example.com:465"},
                                {"MAIL_FROM", "box-office@cinema.example"},
                                {"PUBLIC_URL", "https://cinema.example/"},
                                {"MAILER", "0"}});
  EXPECT_EQ(on.smtp_url, "smtps://mail.example.com:465");
  EXPECT_EQ(on.mail_from, "box-office@cinema.example");
  EXPECT_EQ(on.public_url, "https://cinema.example") << "a trailing slash is dropped";
  EXPECT_FALSE(on.mailer);
  EXPECT_EQ(parse_settings({{"JWT_SECRET", kSecret}, {"HTTP_PORT", "8080"}}).public_url,
            "http://127.0.0.1:8080")
      << "API.md's default";
}

TEST(Settings, MailSettingsThatWouldBreakAHeaderOrAnEnvelopeAreRefused) {
  for (const char* bad : {"http://mail.example.com", "smtp://", "smtp://a b", "mail.example.com",
                          "smtp://x\r\nRCPT TO:<y>"}) {
    EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"SMTP_URL", bad}}).find("SMTP_URL"),
              std::string::npos)
        << bad;
  }
  for (const char* bad :
       {"tickets", "@example.com", "tickets@", "a@b@c", "a <b@c>", "a@b\r\nBcc: x", "a,b@c"}) {
    EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"MAIL_FROM", bad}}).find("MAIL_FROM"),
              std::string::npos)
        << bad;
  }
  for (const char* bad : {"ftp://x", "cinema.example", "https://a b"}) {
    EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"PUBLIC_URL", bad}}).find("PUBLIC_URL"),
              std::string::npos)
        << bad;
  }
  EXPECT_NE(error_of({{"JWT_SECRET", kSecret}, {"MAILER", "2"}}).find("MAILER"), std::string::npos);
}

TEST(Settings, WaitingRoomHasTheContractDefaultsAndBounds) {
  Settings s = parse_settings({{"JWT_SECRET", kSecret}});
  EXPECT_EQ(s.queue_opens_before_seconds, 900);
  EXPECT_EQ(s.admission_seconds, 900);
  EXPECT_TRUE(s.events_socket.empty()) << "no socket: nothing is published";
  Settings set = parse_settings({{"JWT_SECRET", kSecret},
                                 {"QUEUE_OPENS_BEFORE", "0"},
                                 {"ADMISSION_SECONDS", "6"},
                                 {"EVENTS_SOCKET", "/run/seats-events/events.sock"}});
  EXPECT_EQ(set.queue_opens_before_seconds, 0);
  EXPECT_EQ(set.admission_seconds, 6);
  EXPECT_EQ(set.events_socket, "/run/seats-events/events.sock");
  EXPECT_NE(
      error_of({{"JWT_SECRET", kSecret}, {"ADMISSION_SECONDS", "0"}}).find("ADMISSION_SECONDS"),
      std::string::npos);
  EXPECT_NE(
      error_of({{"JWT_SECRET", kSecret}, {"QUEUE_OPENS_BEFORE", "-1"}}).find("QUEUE_OPENS_BEFORE"),
      std::string::npos);
}

}  // namespace
}  // namespace seats
