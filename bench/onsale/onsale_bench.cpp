// The `onsale` scenario of bench/run: USERS people join the waiting room of a new show
// within --join-seconds, its sale opens --on-sale-after seconds after the first join, and
// each then polls and buys the way the seat picker does (/tmp/onsale_design.md, "How the
// page polls"); this process plays all of them on one thread and says what they met.
//
//   onsale_bench --url URL --users FILE --admin-user ID [options]     (JWT_SECRET in env)
//
// FILE holds one user id per line (bench/run inserts the users with SQL); every user's
// token, and the admin's, is minted here with seatd's own TokenService and the stack's
// JWT_SECRET: logging 20,000 users in would cost 20,000 bcrypt hashes.
//
// Setup (as the admin, over the API): a theatre of --rows rows of --seats-per-row seats and
// a show of --movie in it, on_sale_at = now + 2 s + --on-sale-after, queue_rate --queue-rate.
// Each user, at a uniformly random moment of [on_sale_at - on-sale-after, + join-seconds]:
//   POST /shows/:id/queue, then by the answer's status:
//     PRE_QUEUE  GET the queue again when the answer's Retry-After says, + uniform 0-1 s
//                (an answer without one: at on_sale_at + uniform 0-5 s)
//     WAITING    GET it again at admit_at (at most 30 s from now, then again)
//     ADMITTED   GET the grid (with the token), lock 1 or 2 random AVAILABLE seats one after
//                the other (a 409 for a seat: another AVAILABLE one of that grid, 3 tries,
//                then the grid once more), then POST /bookings for the seats held
//     EXPIRED    stop
// --impatient F: that share of the users also tries, like a script would, one lock right
// after joining (before the sale: 409 not_on_sale expected) and one at a random moment
// before its admission (409 not_admitted expected); a 200 there is an early grant, kept
// LOCKED so the database check of bench/run sees it too.
// The run ends 2 s after a grid shows no seat AVAILABLE (sold out), or --max-seconds after
// on_sale_at. Prints one JSON object; every lock answered 200 before the holder's admit_at
// (by this machine's clock, which the server shares) is counted in "holds_before_admission".
//
// Options: --queue-rate N (50) --join-seconds S (10) --on-sale-after S (10) --rows N (10)
//   --seats-per-row N (50) --movie ID (1) --max-seconds S (60) --connections N (1000)
//   --impatient F (0.05) --seed N (1) --ttl S (7200)
#include <jansson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../lib/curl_loop.hpp"
#include "auth/token.hpp"

namespace {

using bench::Clock;
using bench::CurlLoop;
using bench::Exchange;
using bench::JsonPtr;
using bench::RequestSpec;
using bench::Samples;

struct Options {
  std::string url;
  std::vector<int64_t> user_ids;
  int64_t admin_user = 0;
  int64_t movie = 1;
  int queue_rate = 50;
  double join_seconds = 10;
  double on_sale_after = 10;
  int rows = 10;
  int seats_per_row = 50;
  double max_seconds = 60;
  long connections = 1000;
  double impatient = 0.05;
  uint64_t seed = 1;
  int ttl = 7200;
  std::string secret;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "onsale_bench: %s\nusage: JWT_SECRET=... onsale_bench --url URL --users FILE "
               "--admin-user ID [--queue-rate N] [--join-seconds S] [--on-sale-after S] "
               "[--rows N] [--seats-per-row N] [--movie ID] [--max-seconds S] "
               "[--connections N] [--impatient F] [--seed N] [--ttl S]\n",
               why);
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  std::string users_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
    const char* v = argv[++i];
    if (arg == "--url") {
      o.url = v;
    } else if (arg == "--users") {
      users_file = v;
    } else if (arg == "--admin-user") {
      o.admin_user = std::atol(v);
    } else if (arg == "--movie") {
      o.movie = std::atol(v);
    } else if (arg == "--queue-rate") {
      o.queue_rate = std::atoi(v);
    } else if (arg == "--join-seconds") {
      o.join_seconds = std::atof(v);
    } else if (arg == "--on-sale-after") {
      o.on_sale_after = std::atof(v);
    } else if (arg == "--rows") {
      o.rows = std::atoi(v);
    } else if (arg == "--seats-per-row") {
      o.seats_per_row = std::atoi(v);
    } else if (arg == "--max-seconds") {
      o.max_seconds = std::atof(v);
    } else if (arg == "--connections") {
      o.connections = std::atol(v);
    } else if (arg == "--impatient") {
      o.impatient = std::atof(v);
    } else if (arg == "--seed") {
      o.seed = std::strtoull(v, nullptr, 10);
    } else if (arg == "--ttl") {
      o.ttl = std::atoi(v);
    } else {
      usage(("unknown option " + arg).c_str());
    }
  }
  const char* secret = std::getenv("JWT_SECRET");
  if (secret == nullptr || std::strlen(secret) < 32)
    usage("JWT_SECRET (32 bytes or more) is needed");
  o.secret = secret;
  if (o.url.empty() || users_file.empty() || o.admin_user <= 0) {
    usage("--url, --users and --admin-user are needed");
  }
  if (o.queue_rate < 1 || o.rows < 1 || o.rows > 26 || o.seats_per_row < 1 ||
      o.seats_per_row > 50 || o.connections < 1 || o.join_seconds < 0 || o.on_sale_after < 1) {
    usage("bad number");
  }
  std::ifstream in(users_file);
  int64_t id = 0;
  while (in >> id) o.user_ids.push_back(id);
  if (o.user_ids.empty()) usage("no user ids in the users file");
  return o;
}

// Seconds since the epoch of an RFC 3339 UTC time as seatd writes it
// ("2026-12-02T10:00:05.123456Z"); NaN for anything else.
double parse_utc(const char* text) {
  if (text == nullptr) return NAN;
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return NAN;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  double fraction = 0;
  if (text[consumed] == '.') fraction = std::atof(text + consumed);  // ".123456Z" -> 0.123456
  return static_cast<double>(timegm(&tm)) + fraction;
}

std::string utc_text(double epoch_seconds) {
  auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The answer's Retry-After in seconds, if it has one.
std::optional<double> retry_after_s(const Exchange& ex) {
  curl_header* header = nullptr;
  if (curl_easy_header(ex.easy, "Retry-After", 0, CURLH_HEADER, -1, &header) != CURLHE_OK) {
    return std::nullopt;
  }
  char* end = nullptr;
  double seconds = std::strtod(header->value, &end);
  if (end == header->value || seconds < 0) return std::nullopt;
  return seconds;
}

std::string problem_code(const Exchange& ex) {
  JsonPtr body = bench::parse_json(ex.response_body);
  const char* code = body ? json_string_value(json_object_get(body.get(), "code")) : nullptr;
  return code != nullptr ? code : "status_" + std::to_string(ex.status);
}

struct User {
  int64_t id = 0;
  std::string token;
  bool impatient = false;
  int want = 1;                    // seats this user means to buy
  double poll_delay = 0;           // the page's random 0-5 s after on_sale_at (no Retry-After)
  double spread = 0;               // the page's random 0-1 s after a Retry-After
  double asked_after_sale = NAN;   // when the poll after the last PRE_QUEUE answer was due
  int64_t position = 0;            // 0 until known
  double admit_at = NAN;           // from the latest queue answer
  double admitted_seen = NAN;      // when an answer first said ADMITTED
  double admitted_poll_due = NAN;  // when the poll that saw ADMITTED was due
  double booked_at = NAN;
  bool tried_late_early_lock = false;
  bool done = false;
  std::vector<int64_t> held;
  std::vector<double> grants;  // when each lock of this user was answered 200
  std::set<int64_t> tried;
  int grid_reads = 0;
  int bookings = 0;
};

struct Kind {
  Samples ms;
  std::map<std::string, uint64_t> outcomes;  // by status or problem code
};

class OnsaleBench {
 public:
  explicit OnsaleBench(Options options)
      : o_(std::move(options)), loop_(o_.connections), rng_(o_.seed) {}
  int run();

 private:
  bool setup();
  Exchange* call(Kind& kind, const char* method, const std::string& path, const std::string& token,
                 const std::string& body, std::function<void(Exchange&)> done,
                 std::vector<std::string> headers = {});
  void at_wall(double when, std::function<void()> fn);
  void join(User& u);
  void poll(User& u);
  void on_queue_answer(User& u, Exchange& ex, double due);
  void buy(User& u);
  void lock_next(User& u, std::vector<int64_t> available);
  void book(User& u);
  void early_lock(User& u, const char* when);
  void note_lock_granted(User& u, const Exchange& ex, bool early);
  void sold_out_seen();
  json_t* kind_json(Kind& kind);
  json_t* report();

  Options o_;
  CurlLoop loop_;
  std::mt19937_64 rng_;
  std::vector<User> users_;
  std::string admin_token_;
  int64_t show_ = 0;
  int64_t capacity_ = 0;
  std::vector<int64_t> seat_ids_;
  double on_sale_at_ = 0;
  double wall_at_start_ = 0;
  Clock::time_point steady_at_start_;
  bool stopping_ = false;
  double sold_out_at_ = NAN;
  Kind joins_, queue_gets_, grids_, locks_, early_locks_, books_, admin_;
  uint64_t s5xx_ = 0, transport_errors_ = 0;
  std::string first_5xx_;
  uint64_t holds_unverified_ = 0;  // granted to a user whose admit_at this run never learned
  uint64_t holds_before_admission_ = 0, admitted_before_admit_at_ = 0, early_grants_ = 0;
  uint64_t not_admitted_after_admitted_ = 0, sold_out_users_ = 0, expired_users_ = 0;
  uint64_t joined_after_sale_ = 0, seats_sold_ = 0;
  std::vector<double> sale_times_;  // one per seat sold: when its booking was answered
};

void OnsaleBench::at_wall(double when, std::function<void()> fn) {
  auto steady = steady_at_start_ +
                std::chrono::nanoseconds(static_cast<int64_t>((when - wall_at_start_) * 1e9));
  loop_.at(steady, std::move(fn));
}

// One API call; counts its latency under `kind`, and every 5xx and transport failure.
Exchange* OnsaleBench::call(Kind& kind, const char* method, const std::string& path,
                            const std::string& token, const std::string& body,
                            std::function<void(Exchange&)> done, std::vector<std::string> headers) {
  RequestSpec spec{method, o_.url + path, token, body, std::move(headers), 30000};
  return loop_.start(spec, [this, &kind, done = std::move(done)](Exchange& ex) {
    kind.ms.add(ex.elapsed_ms());
    if (ex.status == 0) {
      ++transport_errors_;
      ++kind.outcomes[std::string("transport: ") + curl_easy_strerror(ex.result)];
    } else {
      if (ex.status >= 500) {
        ++s5xx_;
        if (first_5xx_.empty()) {
          first_5xx_ = std::to_string(ex.status) + " " + ex.response_body.substr(0, 200);
        }
      }
      ++kind.outcomes[ex.status < 300 ? std::to_string(ex.status) : problem_code(ex)];
    }
    done(ex);
  });
}

bool OnsaleBench::setup() {
  seats::TokenService tokens(o_.secret, o_.ttl);
  std::time_t now = std::time(nullptr);
  admin_token_ = tokens.issue(o_.admin_user, now).token;
  std::uniform_real_distribution<double> unit(0, 1);
  users_.resize(o_.user_ids.size());
  for (size_t i = 0; i < users_.size(); ++i) {
    User& u = users_[i];
    u.id = o_.user_ids[i];
    u.token = tokens.issue(u.id, now).token;
    u.impatient = unit(rng_) < o_.impatient;
    u.want = unit(rng_) < 0.5 ? 1 : 2;
    u.poll_delay = unit(rng_) * 5;
    u.spread = unit(rng_);
  }
  // The theatre and the show, through the admin API, one call after the other.
  bool ok = true;
  json_t* rows = json_array();
  for (int r = 0; r < o_.rows; ++r) {
    char name[2] = {static_cast<char>('A' + r), 0};
    json_array_append_new(rows, json_pack("{s:s,s:i}", "row", name, "seats", o_.seats_per_row));
  }
  JsonPtr theatre(json_pack("{s:s,s:s,s:s,s:o}", "name",
                            ("On-sale bench " + utc_text(wall_now())).c_str(), "location",
                            "bench/run", "timezone", "UTC", "rows", rows));
  char* theatre_text = json_dumps(theatre.get(), JSON_COMPACT);
  int64_t theatre_id = 0;
  call(admin_, "POST", "/api/v1/admin/theatres", admin_token_, theatre_text, [&](Exchange& ex) {
    JsonPtr b = bench::parse_json(ex.response_body);
    if (ex.status != 201 || !b) {
      std::fprintf(stderr, "onsale_bench: POST /admin/theatres: %ld %s\n", ex.status,
                   ex.response_body.c_str());
      ok = false;
      return;
    }
    theatre_id = json_integer_value(json_object_get(b.get(), "id"));
  });
  free(theatre_text);
  loop_.run_until_idle(Clock::now() + std::chrono::seconds(30));
  if (!ok) return false;
  double on_sale = std::floor(wall_now()) + 2 + o_.on_sale_after;
  JsonPtr show(json_pack("{s:I,s:I,s:s,s:i,s:s,s:i}", "movie_id", static_cast<json_int_t>(o_.movie),
                         "theatre_id", static_cast<json_int_t>(theatre_id), "time",
                         utc_text(on_sale + 3 * 86400).c_str(), "price_cents", 1000, "on_sale_at",
                         utc_text(on_sale).c_str(), "queue_rate", o_.queue_rate));
  char* show_text = json_dumps(show.get(), JSON_COMPACT);
  call(admin_, "POST", "/api/v1/admin/shows", admin_token_, show_text, [&](Exchange& ex) {
    JsonPtr b = bench::parse_json(ex.response_body);
    if (ex.status != 201 || !b) {
      std::fprintf(stderr, "onsale_bench: POST /admin/shows: %ld %s\n", ex.status,
                   ex.response_body.c_str());
      ok = false;
      return;
    }
    show_ = json_integer_value(json_object_get(b.get(), "id"));
    on_sale_at_ = parse_utc(json_string_value(json_object_get(b.get(), "on_sale_at")));
  });
  free(show_text);
  loop_.run_until_idle(Clock::now() + std::chrono::seconds(30));
  if (!ok) return false;
  if (std::isnan(on_sale_at_)) {
    std::fprintf(stderr, "onsale_bench: the new show has no readable on_sale_at\n");
    return false;
  }
  call(admin_, "GET", "/api/v1/shows/" + std::to_string(show_) + "/seats", "", "",
       [&](Exchange& ex) {
         JsonPtr b = bench::parse_json(ex.response_body);
         size_t i = 0;
         json_t* seat = nullptr;
         json_array_foreach(b.get(), i, seat) {
           seat_ids_.push_back(json_integer_value(json_object_get(seat, "id")));
         }
       });
  loop_.run_until_idle(Clock::now() + std::chrono::seconds(30));
  capacity_ = static_cast<int64_t>(seat_ids_.size());
  if (capacity_ != static_cast<int64_t>(o_.rows) * o_.seats_per_row) {
    std::fprintf(stderr, "onsale_bench: the new show's grid has %ld seats\n", capacity_);
    return false;
  }
  return true;
}

void OnsaleBench::join(User& u) {
  if (stopping_) return;
  std::string path = "/api/v1/shows/" + std::to_string(show_) + "/queue";
  call(joins_, "POST", path, u.token, "", [this, &u](Exchange& ex) {
    on_queue_answer(u, ex, NAN);
    if (u.impatient && ex.status == 200) early_lock(u, "after_join");
  });
}

void OnsaleBench::poll(User& u) {
  if (stopping_ || u.done) return;
  double due = wall_now();
  std::string path = "/api/v1/shows/" + std::to_string(show_) + "/queue";
  call(queue_gets_, "GET", path, u.token, "",
       [this, &u, due](Exchange& ex) { on_queue_answer(u, ex, due); });
}

// What the page does with a queue answer: the next poll, the purchase, or nothing.
void OnsaleBench::on_queue_answer(User& u, Exchange& ex, double due) {
  if (ex.status != 200) {
    u.done = true;  // counted under its kind; the page would show the error
    return;
  }
  JsonPtr b = bench::parse_json(ex.response_body);
  const char* status = b ? json_string_value(json_object_get(b.get(), "status")) : nullptr;
  if (status == nullptr) {
    u.done = true;
    return;
  }
  double now = wall_now();
  json_t* position = json_object_get(b.get(), "position");
  if (json_is_integer(position)) u.position = json_integer_value(position);
  double admit_at = parse_utc(json_string_value(json_object_get(b.get(), "admit_at")));
  if (!std::isnan(admit_at)) u.admit_at = admit_at;
  std::string s = status;
  if (s == "PRE_QUEUE") {
    std::optional<double> retry_after = retry_after_s(ex);
    double next = retry_after ? now + *retry_after + u.spread : on_sale_at_ + u.poll_delay;
    u.asked_after_sale = next;
    at_wall(next, [this, &u] { poll(u); });
  } else if (s == "WAITING") {
    if (std::isnan(due)) ++joined_after_sale_;
    double next = std::isnan(u.admit_at) ? now + 1 : std::min(u.admit_at, now + 30);
    at_wall(next, [this, &u] { poll(u); });
    if (u.impatient && !u.tried_late_early_lock && !std::isnan(u.admit_at) &&
        u.admit_at - now > 1.5) {
      u.tried_late_early_lock = true;
      std::uniform_real_distribution<double> when(now, u.admit_at - 1);
      at_wall(when(rng_), [this, &u] { early_lock(u, "before_admission"); });
    }
  } else if (s == "ADMITTED") {
    if (std::isnan(u.admitted_seen)) {
      u.admitted_seen = now;
      u.admitted_poll_due = std::isnan(due) ? now : due;
      // The server decided on its clock, which is this machine's: an ADMITTED answer read
      // before its own admit_at was given early.
      if (std::isnan(u.admit_at) || now < u.admit_at) ++admitted_before_admit_at_;
    }
    buy(u);
  } else {
    if (s == "EXPIRED") ++expired_users_;
    u.done = true;
  }
}

void OnsaleBench::buy(User& u) {
  if (stopping_ || u.done) return;
  ++u.grid_reads;
  call(grids_, "GET", "/api/v1/shows/" + std::to_string(show_) + "/seats", u.token, "",
       [this, &u](Exchange& ex) {
         if (ex.status != 200) {
           u.done = true;
           return;
         }
         JsonPtr b = bench::parse_json(ex.response_body);
         std::vector<int64_t> available;
         size_t i = 0;
         json_t* seat = nullptr;
         json_array_foreach(b.get(), i, seat) {
           const char* status = json_string_value(json_object_get(seat, "status"));
           int64_t id = json_integer_value(json_object_get(seat, "id"));
           if (status != nullptr && std::strcmp(status, "AVAILABLE") == 0 && !u.tried.count(id)) {
             available.push_back(id);
           }
         }
         if (available.empty() && u.held.empty()) {
           ++sold_out_users_;
           u.done = true;
           sold_out_seen();
           return;
         }
         std::shuffle(available.begin(), available.end(), rng_);
         lock_next(u, std::move(available));
       });
}

// Locks the next seat of `available` until the user holds `want` seats, then books them.
// A refused seat is replaced by the next one of the same grid (3 refusals at most), then
// the grid is read once more.
void OnsaleBench::lock_next(User& u, std::vector<int64_t> available) {
  int refusals = static_cast<int>(u.tried.size() - u.held.size());
  if (static_cast<int>(u.held.size()) >= u.want || available.empty() || refusals >= 3) {
    if (!u.held.empty()) {
      book(u);
    } else if (u.grid_reads < 2 && !stopping_) {
      buy(u);
    } else {
      ++sold_out_users_;
      u.done = true;
    }
    return;
  }
  int64_t seat = available.back();
  available.pop_back();
  u.tried.insert(seat);
  call(locks_, "PATCH", "/api/v1/seats/" + std::to_string(seat) + "/lock", u.token, "",
       [this, &u, seat, available = std::move(available)](Exchange& ex) mutable {
         if (ex.status == 200) {
           note_lock_granted(u, ex, false);
           u.held.push_back(seat);
         } else if (ex.status == 409 && problem_code(ex) == "not_admitted") {
           ++not_admitted_after_admitted_;
         }
         lock_next(u, std::move(available));
       });
}

void OnsaleBench::book(User& u) {
  json_t* ids = json_array();
  for (int64_t id : u.held) json_array_append_new(ids, json_integer(id));
  JsonPtr body(json_pack("{s:I,s:o}", "show_id", static_cast<json_int_t>(show_), "seat_ids", ids));
  char* text = json_dumps(body.get(), JSON_COMPACT);
  std::string key =
      "Idempotency-Key: onsale-" + std::to_string(u.id) + "-" + std::to_string(++u.bookings);
  call(books_, "POST", "/api/v1/bookings", u.token, text,
       [this, &u](Exchange& ex) {
         u.done = true;
         if (ex.status != 201) return;
         u.booked_at = wall_now();
         seats_sold_ += u.held.size();
         for (size_t i = 0; i < u.held.size(); ++i) sale_times_.push_back(u.booked_at);
         if (static_cast<int64_t>(seats_sold_) >= capacity_) sold_out_seen();
       },
       {key});
  free(text);
}

// A lock by a user who is not admitted (yet): what a script would try.
void OnsaleBench::early_lock(User& u, const char* when) {
  if (stopping_) return;
  std::uniform_int_distribution<size_t> pick(0, seat_ids_.size() - 1);
  int64_t seat = seat_ids_[pick(rng_)];
  std::string tag = when;
  call(early_locks_, "PATCH", "/api/v1/seats/" + std::to_string(seat) + "/lock", u.token, "",
       [this, &u, tag](Exchange& ex) {
         ++early_locks_.outcomes[tag + ": " + (ex.status == 200 ? "200" : problem_code(ex))];
         if (ex.status == 200) note_lock_granted(u, ex, true);
       });
}

// Judged when the run is over (report()), against the user's admit_at as the queue finally
// gave it: a lock answered while the user's last answer was still PRE_QUEUE is not early
// if the sale had reached the user's position by then.
void OnsaleBench::note_lock_granted(User& u, const Exchange&, bool early) {
  if (early) ++early_grants_;
  u.grants.push_back(wall_now());
}

void OnsaleBench::sold_out_seen() {
  if (!std::isnan(sold_out_at_)) return;
  sold_out_at_ = wall_now();
  at_wall(sold_out_at_ + 2, [this] { stopping_ = true; });
}

json_t* OnsaleBench::kind_json(Kind& kind) {
  json_t* j = kind.ms.to_json();
  json_t* outcomes = json_object();
  for (auto& [name, count] : kind.outcomes) {
    json_object_set_new(outcomes, name.c_str(), json_integer(static_cast<json_int_t>(count)));
  }
  json_object_set_new(j, "outcomes", outcomes);
  return j;
}

json_t* OnsaleBench::report() {
  // Positions: 1..N with no gaps or repeats among those this run learned.
  std::vector<int64_t> positions;
  for (const User& u : users_) {
    if (u.position > 0) positions.push_back(u.position);
  }
  std::sort(positions.begin(), positions.end());
  bool positions_ok = true;
  for (size_t i = 0; i < positions.size(); ++i) {
    positions_ok = positions_ok && positions[i] == static_cast<int64_t>(i) + 1;
  }
  // The sale as admissions allow it: each buyer could have bought when the page learned of
  // its admission with an instant server (max(admit_at, its poll after on_sale_at)), or, by
  // admissions alone, at admit_at.
  struct Buyer {
    double ideal, admitted;
    int seats;
  };
  std::vector<Buyer> buyers;
  Samples lag_admit, lag_service;
  for (const User& u : users_) {
    if (std::isnan(u.booked_at)) continue;
    double asked = std::isnan(u.asked_after_sale) ? on_sale_at_ : u.asked_after_sale;
    buyers.push_back({std::max(u.admit_at, asked), u.admit_at, static_cast<int>(u.held.size())});
    lag_admit.add((u.booked_at - u.admit_at) * 1000);
    lag_service.add((u.booked_at - u.admitted_poll_due) * 1000);
  }
  // When the buyers, taken in the order of `when`, had bought every seat that was sold.
  auto sellout = [&](double Buyer::*when) {
    std::sort(buyers.begin(), buyers.end(),
              [when](const Buyer& a, const Buyer& b) { return a.*when < b.*when; });
    int64_t cumulative = 0;
    for (const Buyer& b : buyers) {
      cumulative += b.seats;
      if (cumulative >= std::min<int64_t>(capacity_, static_cast<int64_t>(seats_sold_))) {
        return b.*when - on_sale_at_;
      }
    }
    return static_cast<double>(NAN);
  };
  double ideal_sellout = sellout(&Buyer::ideal);
  double admission_sellout = sellout(&Buyer::admitted);
  std::sort(sale_times_.begin(), sale_times_.end());
  double first_sale = sale_times_.empty() ? NAN : sale_times_.front() - on_sale_at_;
  double last_sale = sale_times_.empty() ? NAN : sale_times_.back() - on_sale_at_;
  double seats_per_buyer =
      buyers.empty() ? 0 : static_cast<double>(seats_sold_) / static_cast<double>(buyers.size());
  uint64_t still_waiting = 0, impatient = 0;
  for (const User& u : users_) {
    for (double granted : u.grants) {
      if (std::isnan(u.admit_at)) {
        ++holds_unverified_;
      } else if (granted < u.admit_at) {
        ++holds_before_admission_;
      }
    }
    still_waiting += !u.done ? 1 : 0;
    impatient += u.impatient ? 1 : 0;
  }
  auto r3 = [](double v) {
    return std::isnan(v) ? json_null() : json_real(std::round(v * 1000) / 1000);
  };
  json_t* sale = json_object();
  json_object_set_new(sale, "capacity", json_integer(capacity_));
  json_object_set_new(sale, "seats_sold", json_integer(static_cast<json_int_t>(seats_sold_)));
  json_object_set_new(sale, "buyers", json_integer(static_cast<json_int_t>(buyers.size())));
  json_object_set_new(sale, "seats_per_buyer", r3(seats_per_buyer));
  json_object_set_new(sale, "first_sale_s", r3(first_sale));
  json_object_set_new(sale, "last_sale_s", r3(last_sale));
  json_object_set_new(sale, "sold_out_seen_s",
                      r3(std::isnan(sold_out_at_) ? NAN : sold_out_at_ - on_sale_at_));
  json_object_set_new(sale, "ideal_sellout_s", r3(ideal_sellout));
  json_object_set_new(sale, "admission_sellout_s", r3(admission_sellout));
  json_object_set_new(sale, "seats_per_s",
                      r3(last_sale > 0 ? static_cast<double>(seats_sold_) / last_sale : NAN));
  json_object_set_new(sale, "admission_allows_seats_per_s", r3(o_.queue_rate * seats_per_buyer));
  json_object_set_new(sale, "booked_after_admit_at", lag_admit.to_json());
  json_object_set_new(sale, "booked_after_admitted_poll", lag_service.to_json());

  json_t* out = json_object();
  json_object_set_new(out, "show_id", json_integer(show_));
  json_object_set_new(out, "users", json_integer(static_cast<json_int_t>(users_.size())));
  json_object_set_new(out, "impatient_users", json_integer(static_cast<json_int_t>(impatient)));
  json_object_set_new(out, "queue_rate", json_integer(o_.queue_rate));
  json_object_set_new(out, "on_sale_at", json_string(utc_text(on_sale_at_).c_str()));
  json_object_set_new(out, "joins", kind_json(joins_));
  json_object_set_new(out, "joined_after_sale",
                      json_integer(static_cast<json_int_t>(joined_after_sale_)));
  json_object_set_new(out, "queue_gets", kind_json(queue_gets_));
  json_object_set_new(out, "grids", kind_json(grids_));
  json_object_set_new(out, "holds", kind_json(locks_));
  json_object_set_new(out, "early_locks", kind_json(early_locks_));
  json_object_set_new(out, "bookings", kind_json(books_));
  json_object_set_new(out, "s5xx", json_integer(static_cast<json_int_t>(s5xx_)));
  json_object_set_new(out, "transport_errors",
                      json_integer(static_cast<json_int_t>(transport_errors_)));
  if (!first_5xx_.empty()) json_object_set_new(out, "first_5xx", json_string(first_5xx_.c_str()));
  json_object_set_new(out, "holds_before_admission",
                      json_integer(static_cast<json_int_t>(holds_before_admission_)));
  json_object_set_new(out, "holds_admission_unknown",
                      json_integer(static_cast<json_int_t>(holds_unverified_)));
  json_object_set_new(out, "early_grants", json_integer(static_cast<json_int_t>(early_grants_)));
  json_object_set_new(out, "admitted_before_admit_at",
                      json_integer(static_cast<json_int_t>(admitted_before_admit_at_)));
  json_object_set_new(out, "not_admitted_after_admitted",
                      json_integer(static_cast<json_int_t>(not_admitted_after_admitted_)));
  json_object_set_new(out, "positions_known",
                      json_integer(static_cast<json_int_t>(positions.size())));
  json_object_set_new(out, "positions_are_1_to_n", json_boolean(positions_ok));
  json_object_set_new(out, "positions_max", json_integer(positions.empty() ? 0 : positions.back()));
  json_object_set_new(out, "positions_distinct",
                      json_integer(static_cast<json_int_t>(
                          std::unique(positions.begin(), positions.end()) - positions.begin())));
  json_object_set_new(out, "users_sold_out",
                      json_integer(static_cast<json_int_t>(sold_out_users_)));
  json_object_set_new(out, "users_expired", json_integer(static_cast<json_int_t>(expired_users_)));
  json_object_set_new(out, "users_still_waiting_at_end",
                      json_integer(static_cast<json_int_t>(still_waiting)));
  json_object_set_new(out, "sale", sale);
  return out;
}

int OnsaleBench::run() {
  if (!setup()) return 1;
  wall_at_start_ = wall_now();
  steady_at_start_ = Clock::now();
  double joins_start = on_sale_at_ - o_.on_sale_after;
  std::uniform_real_distribution<double> join_at(joins_start, joins_start + o_.join_seconds);
  for (User& u : users_) at_wall(join_at(rng_), [this, &u] { join(u); });
  double hard_end = on_sale_at_ + o_.max_seconds;
  at_wall(hard_end, [this] { stopping_ = true; });
  double cpu_before = bench::own_cpu_seconds();
  // Until every user is done (or the sale is over), then until the exchanges still
  // running have finished.
  auto all_done = [this] {
    return std::all_of(users_.begin(), users_.end(), [](const User& u) { return u.done; });
  };
  while (!stopping_ && !all_done()) {
    loop_.run_until(Clock::now() + std::chrono::milliseconds(200));
  }
  loop_.run_until_idle(Clock::now() + std::chrono::seconds(35));
  JsonPtr out(report());
  json_object_set_new(out.get(), "client_cpu_s",
                      json_real(std::round((bench::own_cpu_seconds() - cpu_before) * 100) / 100));
  json_object_set_new(out.get(), "run_s",
                      json_real(std::round((wall_now() - joins_start) * 10) / 10));
  bench::print_json(out.get());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  if (!bench::raise_fd_limit(options.connections + 256)) {
    std::fprintf(stderr, "onsale_bench: the open-files hard limit is below %ld\n",
                 options.connections + 256);
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = OnsaleBench(std::move(options)).run();
  curl_global_cleanup();
  return rc;
}
