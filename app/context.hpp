#pragma once

#include <cstdint>
#include <ctime>

#include "auth/password.hpp"
#include "auth/token.hpp"
#include "catalogue/show_versions.hpp"
#include "db/connection.hpp"
#include "events/publisher.hpp"
#include "handlers/seat_map_view.hpp"
#include "handlers/seat_refusals.hpp"
#include "http/request.hpp"
#include "queue/turn_hint.hpp"
#include "settings.hpp"
#include "users/login_throttle.hpp"

namespace seats {

// What a user may do (API.md Part 2, "Roles"), in increasing order.
enum class Role { Customer, Staff, Admin };

// What one worker owns for its whole life: settings, its database connection, and the
// helpers that keep per-worker buffers. Handlers reach everything through it.
class Context {
 public:
  Context(const Settings& config, ShowVersions& show_versions)
      : settings(config),
        db(config),
        passwords(config.bcrypt_cost),
        tokens(config.jwt_secret, config.token_ttl_seconds),
        login_throttle(config.login_failures),
        seat_maps(show_versions, std::chrono::milliseconds(config.seat_map_cache_ms)),
        refusals(show_versions, std::chrono::milliseconds(config.seat_map_cache_ms)),
        events(config.events_socket),
        turn_hints(std::chrono::seconds(1)) {}

  // The caller's user id. 401 unless the bearer token is valid and its user still exists.
  int64_t authenticate(const Request& request);
  // The user id of a valid bearer token (else 401), without asking the database whether
  // the user still exists: for handlers whose own transaction checks that anyway (holds
  // lock the user's row), which saves a round trip on the busiest path.
  int64_t token_user(const Request& request) const;
  // 401 unless the user still exists.
  void require_user(int64_t user_id);
  // After a committed change of the show's seats: every worker's copy of its grid is stale,
  // and its subscribers get `event` (events/seat_events.hpp).
  void seats_changed(int64_t show_id, const std::string& event);
  // The caller's user id when their role, read from the database on every call (so a
  // demoted admin loses access at once), is at least `role`: admin includes staff.
  // 401 without a valid token or user, 403 forbidden with too small a role.
  int64_t require_role(const Request& request, Role role);
  // The caller's user id when a valid token is given, else 0 (anonymous). Does not check
  // that the user still exists: it only decides what a read shows.
  int64_t optional_user(const Request& request) const;

  const Settings& settings;
  Connection db;
  PasswordHasher passwords;
  TokenService tokens;
  LoginThrottle login_throttle;
  SeatMapView seat_maps;
  SeatRefusals refusals;
  // Seat events go out after COMMIT and before the answer: by the time a client has the
  // answer to its change, every subscriber's nginx has the event (and one client's changes
  // reach subscribers in the order it made them).
  EventPublisher events;
  TurnHints turn_hints;
};

}  // namespace seats
