#pragma once

#include <map>
#include <string>

namespace seats {

// Every knob the service reads, parsed and range-checked once at start. Nothing below
// main() calls getenv.
struct Settings {
  std::string fcgi_socket = "127.0.0.1:9000";
  int fcgi_socket_mode = 0660;
  int workers = 0;  // 0 until load_settings fills in 2 x cores
  std::string db_host;
  int db_port = 3306;
  std::string db_socket;
  std::string db_user = "root";
  std::string db_password;
  std::string db_name = "seats";
  std::string jwt_secret;
  int hold_seconds = 600;
  int max_holds_per_show = 10;
  int token_ttl_seconds = 3600;
  int bcrypt_cost = 12;
  // Upper bound on one API transaction's wait for a row lock; a hot seat must answer
  // 409/503 in seconds, never after InnoDB's default 50 s.
  int lock_wait_seconds = 3;
  // How long a worker may answer seat maps from its own copy when nothing in this pool
  // has changed the show: the bound on how late a change made elsewhere (another app
  // host, SQL by hand) shows. 0: every seat map is read from the database.
  int seat_map_cache_ms = 1000;
  // nginx's own wait for an answer (its fastcgi_read_timeout is rendered from the same
  // setting): past it the client has been told 504, so a worker must neither start nor
  // commit work for that request.
  int request_timeout_seconds = 30;
  // Failed logins per e-mail within 15 minutes before further logins for it are 429
  // (API.md Part 2); 0 turns the throttle off.
  int login_failures = 10;
  // Idempotency keys one user may create in a day: the bound on what one account can
  // make the service store.
  int idempotency_keys_per_day = 500;
  // ISO 4217 code that every price and total is in (API.md Part 2, "Operators").
  std::string currency = "USD";
  // Where tickets are mailed from (API.md Part 2, "Tickets and check-in"). An empty
  // smtp_url sends no mail: bookings then say "Booking confirmed." and no outbox row is
  // written, so nothing piles up for a mailer that will never run.
  std::string smtp_url;
  std::string mail_from = "tickets@localhost";
  // The site's address for links in mails (default http://127.0.0.1:HTTP_PORT when
  // HTTP_PORT is given); empty: mails carry no link.
  std::string public_url;
  // Whether this pool's master runs the mailer (with smtp_url set). One per host is
  // enough; a second pool on the host (the login pool) runs none.
  bool mailer = true;
  // The waiting room (API.md Part 2, "On-sale"): how long before a show's on-sale time its
  // queue opens, and how long an admitted caller may hold seats.
  int queue_opens_before_seconds = 900;
  int admission_seconds = 900;
  // nchan's publisher socket in this host's nginx (conf/nginx/seats.conf.in); empty: no
  // seat events are published (the page then relies on its polling).
  std::string events_socket;
};

// Thrown with a message that names the offending variable.
struct SettingsError {
  std::string message;
};

// Reads SEATD_CONFIG (KEY=VALUE lines) if set, then the environment on top of it.
Settings load_settings();

// The parsing half of load_settings, separated so unit tests can feed it a map.
Settings parse_settings(const std::map<std::string, std::string>& values);

}  // namespace seats
