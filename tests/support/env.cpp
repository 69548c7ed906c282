#include "support/env.hpp"

#include <cstdlib>
#include <stdexcept>

namespace seats_test {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? fallback : std::string(v);
}

int EnvInt(const char* name, int fallback) {
  const std::string text = EnvOr(name, "");
  if (text.empty()) return fallback;
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size()) throw std::runtime_error(std::string(name) + " is not an integer");
  return value;
}

const Settings& settings() {
  static const Settings s{
      .base_url = EnvOr("SEATS_URL", "http://127.0.0.1:18080"),
      .hold_seconds = EnvInt("HOLD_SECONDS", 5),
      .max_holds_per_show = EnvInt("MAX_HOLDS_PER_SHOW", 10),
      .token_ttl_seconds = EnvInt("TOKEN_TTL_SECONDS", 3600),
      .login_rate = EnvInt("LOGIN_RATE", 5),
      .jwt_secret = EnvOr("JWT_SECRET", ""),
      .seat_map_cache_ms = EnvInt("SEAT_MAP_CACHE_MS", 1000),
      .login_failures = EnvInt("LOGIN_FAILURES", 10),
      .login_workers = EnvInt("LOGIN_WORKERS", 2),
      .idempotency_keys_per_day = EnvInt("IDEMPOTENCY_KEYS_PER_DAY", 500),
      .request_timeout = EnvInt("REQUEST_TIMEOUT", 30),
      .currency = EnvOr("CURRENCY", "USD"),
      .smtp_url = EnvOr("SMTP_URL", ""),
      .admission_seconds = EnvInt("ADMISSION_SECONDS", 6),
      .queue_opens_before = EnvInt("QUEUE_OPENS_BEFORE", 900),
  };
  return s;
}

}  // namespace seats_test
