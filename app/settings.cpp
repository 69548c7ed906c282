#include "settings.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <initializer_list>

namespace seats {
namespace {

constexpr std::size_t kMinSecretBytes = 32;

const char* const kKnownNames[] = {
    "FCGI_SOCKET",
    "FCGI_SOCKET_MODE",
    "WORKERS",
    "DB_HOST",
    "DB_PORT",
    "DB_SOCKET",
    "DB_USER",
    "DB_PASSWORD",
    "DB_NAME",
    "JWT_SECRET",
    "HOLD_SECONDS",
    "MAX_HOLDS_PER_SHOW",
    "TOKEN_TTL_SECONDS",
    "BCRYPT_COST",
    "LOCK_WAIT_SECONDS",
    "SEAT_MAP_CACHE_MS",
    "REQUEST_TIMEOUT",
    "LOGIN_FAILURES",
    "IDEMPOTENCY_KEYS_PER_DAY",
    "CURRENCY",
    "SMTP_URL",
    "MAIL_FROM",
    "PUBLIC_URL",
    "MAILER",
    "QUEUE_OPENS_BEFORE",
    "ADMISSION_SECONDS",
    "EVENTS_SOCKET",
    "HTTP_PORT",
};

int parse_int(const std::map<std::string, std::string>& values, const char* name, int fallback,
              int min, int max, int base = 10) {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return fallback;
  const std::string& text = it->second;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw SettingsError{std::string(name) + " must be an integer from " + std::to_string(min) +
                        " to " + std::to_string(max) + ", got '" + text + "'"};
  }
  return value;
}

// A URL put into mail headers and curl options as it is: no spaces or control characters
// (a CR/LF would start a header of its own).
bool has_scheme(const std::string& url, std::initializer_list<const char*> schemes) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  for (const char* scheme : schemes) {
    if (url.rfind(scheme, 0) == 0 && url.size() > std::char_traits<char>::length(scheme)) {
      return true;
    }
  }
  return false;
}

// local@domain with nothing a header or an SMTP envelope would read as syntax.
bool is_plain_address(const std::string& address) {
  auto at = address.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) return false;
  if (address.find('@', at + 1) != std::string::npos) return false;
  for (char c : address) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' ||
        c == '"' || c == '(' || c == ')' || c == ';' || c == '\\') {
      return false;
    }
  }
  return true;
}

std::string get(const std::map<std::string, std::string>& values, const char* name,
                std::string fallback) {
  auto it = values.find(name);
  return it == values.end() ? fallback : it->second;
}

void read_config_file(const std::string& path, std::map<std::string, std::string>& values) {
  std::ifstream in(path);
  if (!in) throw SettingsError{"SEATD_CONFIG: cannot read " + path};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    if (key.rfind("export ", 0) == 0) key = key.substr(7);
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    values[key] = value;
  }
}

}  // namespace

Settings parse_settings(const std::map<std::string, std::string>& values) {
  Settings s;
  s.fcgi_socket = get(values, "FCGI_SOCKET", s.fcgi_socket);
  s.fcgi_socket_mode = parse_int(values, "FCGI_SOCKET_MODE", s.fcgi_socket_mode, 0, 0777, 8);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int default_workers = 2 * static_cast<int>(cores > 0 ? cores : 1);
  s.workers = parse_int(values, "WORKERS", default_workers, 1, 256);
  s.db_host = get(values, "DB_HOST", s.db_host);
  s.db_port = parse_int(values, "DB_PORT", s.db_port, 1, 65535);
  s.db_socket = get(values, "DB_SOCKET", s.db_socket);
  s.db_user = get(values, "DB_USER", s.db_user);
  s.db_password = get(values, "DB_PASSWORD", s.db_password);
  s.db_name = get(values, "DB_NAME", s.db_name);
  s.jwt_secret = get(values, "JWT_SECRET", "");
  s.hold_seconds = parse_int(values, "HOLD_SECONDS", s.hold_seconds, 1, 86400);
  s.max_holds_per_show = parse_int(values, "MAX_HOLDS_PER_SHOW", s.max_holds_per_show, 1, 50);
  s.token_ttl_seconds = parse_int(values, "TOKEN_TTL_SECONDS", s.token_ttl_seconds, 1, 2592000);
  s.bcrypt_cost = parse_int(values, "BCRYPT_COST", s.bcrypt_cost, 4, 31);
  s.lock_wait_seconds = parse_int(values, "LOCK_WAIT_SECONDS", s.lock_wait_seconds, 1, 60);
  s.seat_map_cache_ms = parse_int(values, "SEAT_MAP_CACHE_MS", s.seat_map_cache_ms, 0, 60000);
  s.request_timeout_seconds =
      parse_int(values, "REQUEST_TIMEOUT", s.request_timeout_seconds, 5, 300);
  s.login_failures = parse_int(values, "LOGIN_FAILURES", s.login_failures, 0, 1000000);
  s.idempotency_keys_per_day =
      parse_int(values, "IDEMPOTENCY_KEYS_PER_DAY", s.idempotency_keys_per_day, 1, 1000000);

  s.currency = get(values, "CURRENCY", s.currency);
  if (s.currency.empty()) s.currency = "USD";
  bool three_capitals = s.currency.size() == 3;
  for (char c : s.currency) three_capitals = three_capitals && c >= 'A' && c <= 'Z';
  if (!three_capitals) {
    throw SettingsError{"CURRENCY must be an ISO 4217 code of three capital letters, got '" +
                        s.currency + "'"};
  }

  s.smtp_url = get(values, "SMTP_URL", s.smtp_url);
  if (!s.smtp_url.empty() && !has_scheme(s.smtp_url, {"smtp://", "smtps://"})) {
    throw SettingsError{"SMTP_URL must be empty or start with smtp:// or smtps://, got '" +
                        s.smtp_url + "'"};
  }
  s.mail_from = get(values, "MAIL_FROM", s.mail_from);
  if (s.mail_from.empty()) s.mail_from = "tickets@localhost";
  if (!is_plain_address(s.mail_from)) {
    throw SettingsError{"MAIL_FROM must be an address like tickets@example.com, got '" +
                        s.mail_from + "'"};
  }
  s.public_url = get(values, "PUBLIC_URL", s.public_url);
  if (!s.public_url.empty() && !has_scheme(s.public_url, {"http://", "https://"})) {
    throw SettingsError{"PUBLIC_URL must be empty or start with http:// or https://, got '" +
                        s.public_url + "'"};
  }
  while (!s.public_url.empty() && s.public_url.back() == '/') s.public_url.pop_back();
  // API.md's default: the site as this machine reaches it, when the port is known (every
  // way of running seatd passes its HTTP_PORT along).
  int http_port = parse_int(values, "HTTP_PORT", 0, 1, 65535);
  if (s.public_url.empty() && http_port > 0) {
    s.public_url = "http://127.0.0.1:" + std::to_string(http_port);
  }
  s.mailer = parse_int(values, "MAILER", 1, 0, 1) == 1;
  s.queue_opens_before_seconds =
      parse_int(values, "QUEUE_OPENS_BEFORE", s.queue_opens_before_seconds, 0, 30 * 86400);
  s.admission_seconds = parse_int(values, "ADMISSION_SECONDS", s.admission_seconds, 1, 86400);
  s.events_socket = get(values, "EVENTS_SOCKET", s.events_socket);

  // A short HS256 key can be brute-forced offline from any token we hand out.
  if (s.jwt_secret.size() < kMinSecretBytes) {
    throw SettingsError{"JWT_SECRET must be set and at least " + std::to_string(kMinSecretBytes) +
                        " bytes long"};
  }
  if (s.db_name.empty()) throw SettingsError{"DB_NAME must not be empty"};
  if (s.fcgi_socket.empty()) throw SettingsError{"FCGI_SOCKET must not be empty"};
  return s;
}

Settings load_settings() {
  std::map<std::string, std::string> values;
  if (const char* path = std::getenv("SEATD_CONFIG"); path && *path) {
    read_config_file(path, values);
  }
  for (const char* name : kKnownNames) {
    if (const char* value = std::getenv(name)) values[name] = value;
  }
  return parse_settings(values);
}

}  // namespace seats
