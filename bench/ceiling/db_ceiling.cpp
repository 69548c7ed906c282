// The database ceiling of the benchmark: seatd's own seat-map read and hold transactions
// (app/catalogue/catalogue.cpp and app/seats/holds.cpp, linked from libseats_core.a, so
// the statements, their preparation and the lock order are exactly the service's), run
// straight on MariaDB from as many threads as the service has FastCGI workers, with no
// nginx, FastCGI, JSON or JWT in between. Prints one JSON object.
//
//   db_ceiling MODE SECONDS THREADS USERS_FILE [options]
//     MODE read : seat_states(random show in --shows LO-HI), the query behind GET .../seats
//     MODE hold : lock_seat(random seat in --seats LO-HI) by that seat's user, then
//                 release_seat of the same seat by the same user (each transaction counts,
//                 as each of the two HTTP requests does in the holds scenario)
//     MODE hot  : every transaction on --hot SEAT: a random user locks (50%) or releases
//                 (50%), as in the hot-seat scenario; most answers are conflicts
//     MODE rt   : one prepared `SELECT 1` per transaction: the price of a bare round trip,
//                 to tell how much of a transaction is round trips
//   USERS_FILE: lines "USER_ID TOKEN" (user1..userN in order); seat s belongs to the user
//   on line (s mod N) + 1, the same mapping as bench/lua/seats.lua.
//   Database: --socket PATH (or --host H --port P), --db NAME, --user U, --password P.
//   --auth-query: before each hold/release, also run the user lookup of the service's
//   authenticate() (users/accounts.cpp), to price one extra query and round trip.
#include <mysql.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "catalogue/catalogue.hpp"
#include "db/connection.hpp"
#include "db/error.hpp"
#include "http/problem.hpp"
#include "seats/holds.hpp"
#include "settings.hpp"
#include "users/accounts.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string mode;
  double seconds = 10;
  int threads = 4;
  std::vector<int64_t> users;
  int64_t show_lo = 1001, show_hi = 1200;
  int64_t seat_lo = 0, seat_hi = 0;
  int64_t hot_seat = 0;
  bool auth_query = false;
  seats::Settings settings;
};

struct ThreadResult {
  uint64_t ok = 0;         // transactions that committed / reads answered
  uint64_t conflicts = 0;  // transactions that ended in a 409-class ApiError (rolled back)
  uint64_t errors = 0;     // anything else (database errors, 503)
  std::vector<float> latencies_us;
  std::string first_error;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "db_ceiling: %s\nusage: db_ceiling read|hold|hot SECONDS THREADS USERS_FILE "
               "[--shows LO-HI] [--seats LO-HI] [--hot SEAT] [--socket PATH | --host H --port P] "
               "[--db NAME] [--user U] [--password P] [--hold-seconds N] [--auth-query]\n",
               why);
  std::exit(2);
}

bool parse_range(const char* text, int64_t& lo, int64_t& hi) {
  return std::sscanf(text, "%ld-%ld", &lo, &hi) == 2 && lo > 0 && hi >= lo;
}

Options parse(int argc, char** argv) {
  if (argc < 5) usage("missing arguments");
  Options o;
  o.mode = argv[1];
  if (o.mode != "read" && o.mode != "hold" && o.mode != "hot" && o.mode != "rt")
    usage("MODE must be read, hold, hot or rt");
  o.seconds = std::atof(argv[2]);
  o.threads = std::atoi(argv[3]);
  if (o.seconds <= 0 || o.threads < 1 || o.threads > 512) usage("bad SECONDS or THREADS");
  std::ifstream in(argv[4]);
  if (!in) usage("cannot read USERS_FILE");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    int64_t id = 0;
    if (fields >> id && id > 0) o.users.push_back(id);
  }
  if (o.users.empty()) usage("USERS_FILE holds no user ids");
  o.settings.db_host = "";
  o.settings.db_name = "seats";
  for (int i = 5; i < argc; ++i) {
    std::string key = argv[i];
    if (key == "--auth-query") {
      o.auth_query = true;
      continue;
    }
    if (i + 1 >= argc) usage(("no value for " + key).c_str());
    const char* value = argv[++i];
    if (key == "--shows") {
      if (!parse_range(value, o.show_lo, o.show_hi)) usage("bad --shows");
    } else if (key == "--seats") {
      if (!parse_range(value, o.seat_lo, o.seat_hi)) usage("bad --seats");
    } else if (key == "--hot") {
      o.hot_seat = std::atoll(value);
    } else if (key == "--socket") {
      o.settings.db_socket = value;
    } else if (key == "--host") {
      o.settings.db_host = value;
    } else if (key == "--port") {
      o.settings.db_port = std::atoi(value);
    } else if (key == "--db") {
      o.settings.db_name = value;
    } else if (key == "--user") {
      o.settings.db_user = value;
    } else if (key == "--password") {
      o.settings.db_password = value;
    } else if (key == "--hold-seconds") {
      o.settings.hold_seconds = std::atoi(value);
    } else {
      usage(("unknown option " + key).c_str());
    }
  }
  if (o.mode == "hold" && o.seat_lo == 0) usage("hold needs --seats LO-HI");
  if (o.mode == "hot" && o.hot_seat <= 0) usage("hot needs --hot SEAT");
  if (o.auth_query && (o.mode == "read" || o.mode == "rt"))
    usage("--auth-query is for hold and hot");
  return o;
}

bool is_conflict(seats::Err code) {
  switch (code) {
    case seats::Err::SeatUnavailable:
    case seats::Err::NotLockHolder:
    case seats::Err::HoldLimitReached:
    case seats::Err::SeatNotHeld:
      return true;
    default:
      return false;
  }
}

void authenticate_like_the_service(seats::Connection& db, int64_t user_id) {
  if (!seats::user_exists(db, user_id)) throw std::runtime_error("bench user vanished");
}

void run_thread(const Options& o, unsigned seed, const std::atomic<bool>& go,
                const std::atomic<bool>& stop, ThreadResult& r) {
  mysql_thread_init();
  {
    seats::Connection db(o.settings);
    std::mt19937_64 rng(seed);
    auto pick = [&](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    auto user_of_seat = [&](int64_t seat) {
      return o.users[static_cast<size_t>(seat) % o.users.size()];
    };
    r.latencies_us.reserve(1 << 20);
    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    int64_t held_seat = 0;  // hold mode: the seat this thread holds and releases next
    while (!stop.load(std::memory_order_relaxed)) {
      auto started = Clock::now();
      try {
        db.ensure_ready();  // as the worker does before every request
        if (o.mode == "rt") {
          seats::Statement& one = db.statement("SELECT 1");
          one.run({});
          while (one.next()) {
          }
        } else if (o.mode == "read") {
          auto grid = seats::seat_states(db, pick(o.show_lo, o.show_hi));
          if (grid.size() != 50) throw std::runtime_error("seat map without 50 seats");
        } else if (o.mode == "hold") {
          if (held_seat != 0) {
            int64_t seat = held_seat;
            held_seat = 0;
            if (o.auth_query) authenticate_like_the_service(db, user_of_seat(seat));
            seats::release_seat(db, user_of_seat(seat), seat);
          } else {
            int64_t seat = pick(o.seat_lo, o.seat_hi);
            if (o.auth_query) authenticate_like_the_service(db, user_of_seat(seat));
            seats::lock_seat(db, o.settings, user_of_seat(seat), seat);
            held_seat = seat;
          }
        } else {
          int64_t user =
              o.users[static_cast<size_t>(pick(0, static_cast<int64_t>(o.users.size()) - 1))];
          if (o.auth_query) authenticate_like_the_service(db, user);
          if (rng() & 1) {
            seats::lock_seat(db, o.settings, user, o.hot_seat);
          } else {
            seats::release_seat(db, user, o.hot_seat);
          }
        }
        ++r.ok;
      } catch (const seats::ApiError& e) {
        if (is_conflict(e.code())) {
          ++r.conflicts;
        } else {
          ++r.errors;
          if (r.first_error.empty()) r.first_error = e.what();
        }
      } catch (const std::exception& e) {
        ++r.errors;
        if (r.first_error.empty()) r.first_error = e.what();
        db.discard();
      }
      r.latencies_us.push_back(
          std::chrono::duration<float, std::micro>(Clock::now() - started).count());
    }
    if (held_seat != 0) {
      try {
        seats::release_seat(db, user_of_seat(held_seat), held_seat);
      } catch (const std::exception&) {
      }
    }
  }
  mysql_thread_end();
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  if (mysql_library_init(0, nullptr, nullptr) != 0) {
    std::fprintf(stderr, "db_ceiling: mysql_library_init failed\n");
    return 1;
  }
  {
    // Fail fast, with the reason, if the database cannot be reached at all.
    seats::Connection probe(o.settings);
    try {
      probe.ensure_ready();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "db_ceiling: %s\n", e.what());
      return 1;
    }
  }
  std::vector<ThreadResult> results(static_cast<size_t>(o.threads));
  std::vector<std::thread> threads;
  std::atomic<bool> go{false}, stop{false};
  std::random_device seeder;
  for (int i = 0; i < o.threads; ++i) {
    threads.emplace_back(run_thread, std::cref(o), seeder(), std::cref(go), std::cref(stop),
                         std::ref(results[static_cast<size_t>(i)]));
  }
  // Let every thread connect before the clock starts.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto started = Clock::now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop.store(true);
  double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  for (auto& t : threads) t.join();

  ThreadResult total;
  for (auto& r : results) {
    total.ok += r.ok;
    total.conflicts += r.conflicts;
    total.errors += r.errors;
    total.latencies_us.insert(total.latencies_us.end(), r.latencies_us.begin(),
                              r.latencies_us.end());
    if (total.first_error.empty()) total.first_error = r.first_error;
  }
  std::sort(total.latencies_us.begin(), total.latencies_us.end());
  auto pct = [&](double p) -> double {
    if (total.latencies_us.empty()) return 0;
    size_t i = static_cast<size_t>(p * static_cast<double>(total.latencies_us.size() - 1));
    return total.latencies_us[i] / 1000.0;
  };
  uint64_t all = total.ok + total.conflicts + total.errors;
  std::string err = total.first_error;
  for (char& c : err) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  std::printf(
      "{\"mode\":\"%s\",\"auth_query\":%s,\"threads\":%d,\"seconds\":%.3f,\"tx\":%llu,\"ok\":%llu,"
      "\"conflicts\":%llu,\"errors\":%llu,\"tx_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"first_error\":\"%s\"}\n",
      o.mode.c_str(), o.auth_query ? "true" : "false", o.threads, elapsed,
      static_cast<unsigned long long>(all), static_cast<unsigned long long>(total.ok),
      static_cast<unsigned long long>(total.conflicts),
      static_cast<unsigned long long>(total.errors), static_cast<double>(all) / elapsed, pct(0.50),
      pct(0.99), err.c_str());
  mysql_library_end();
  return total.errors > all / 100 ? 1 : 0;
}
