// Settings the suite reads from the environment (scripts/test sources the stack's stack.env).
#pragma once

#include <string>

namespace seats_test {

struct Settings {
  std::string base_url;          // SEATS_URL, default http://127.0.0.1:18080
  int hold_seconds;              // HOLD_SECONDS, default 5 (the test stack's value)
  int max_holds_per_show;        // MAX_HOLDS_PER_SHOW, default 10
  int token_ttl_seconds;         // TOKEN_TTL_SECONDS, default 3600
  int login_rate;                // LOGIN_RATE, default 5 (0 = limit off)
  std::string jwt_secret;        // JWT_SECRET, empty if unset (tests that forge with it then fail)
  int seat_map_cache_ms;         // SEAT_MAP_CACHE_MS, default 1000
  int login_failures;            // LOGIN_FAILURES, default 10 (0 = throttle off)
  int login_workers;             // LOGIN_WORKERS, default 2
  int idempotency_keys_per_day;  // IDEMPOTENCY_KEYS_PER_DAY, default 500
  int request_timeout;           // REQUEST_TIMEOUT, default 30
  std::string currency;          // CURRENCY, default USD
  std::string smtp_url;          // SMTP_URL, default empty (no mail)
  int admission_seconds;         // ADMISSION_SECONDS, default 6 (the test stack's value)
  int queue_opens_before;        // QUEUE_OPENS_BEFORE, default 900
};

// Read once; a malformed integer throws std::runtime_error naming the variable.
const Settings& settings();

std::string EnvOr(const char* name, const std::string& fallback);
int EnvInt(const char* name, int fallback);

}  // namespace seats_test
