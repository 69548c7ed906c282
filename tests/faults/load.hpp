// The traffic a fault is injected into: one thread per user holding random seats of a few
// future shows, booking what it holds, releasing or abandoning the rest and cancelling
// its older bookings (so the shows never sell out). Every request is recorded with its
// timing and answer, and every booking_id a client was told about (201) is kept with what
// the client last learnt of it, for the database checks afterwards.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "processes.hpp"
#include "support/api.hpp"
#include "support/client.hpp"
#include "support/db.hpp"

namespace faults {

enum class Op { kLock, kRelease, kBook, kCancel, kProbe, kLogin };

// One request and its answer. status 0 means the transfer failed (no HTTP answer).
struct Sample {
  Op op = Op::kProbe;
  Clock::time_point start;
  Clock::time_point end;
  long status = 0;
  std::string code;      // the problem+json "code" of an error answer, else ""
  bool problem = false;  // Content-Type was application/problem+json
  std::string path;

  long long millis() const { return MillisBetween(start, end); }
};

// Sends one request through `client` and records it.
Sample Timed(Op op, seats_test::Client& client, const std::string& method, const std::string& path,
             const seats_test::Request& request, seats_test::Response* answer = nullptr);

// What a client knows about a booking it was told about with 201.
enum class Fate {
  kConfirmed,  // 201 and never cancelled: must exist as CONFIRMED
  kCancelled,  // a cancel answered 200: must be CANCELLED
  kUnknown,    // a cancel got no definite answer (transfer failed, 5xx): either, but must exist
};

struct ToldBooking {
  std::int64_t id = 0;
  std::size_t user = 0;  // index into the load's users
  std::int64_t show = 0;
  std::vector<std::int64_t> seats;
  Fate fate = Fate::kConfirmed;
};

struct LoadShow {
  std::int64_t id = 0;
  std::vector<std::int64_t> seats;  // all 50 seat ids
};

// `count` future demo shows (from the support library's list, which other suites slice by
// index from the front) with their seat ids; the faults suite takes them from the back.
std::vector<LoadShow> LoadShows(std::size_t count);

class Load {
 public:
  Load(std::vector<seats_test::User> users, std::vector<LoadShow> shows);
  ~Load();
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

  void Start();
  // Stops and joins the threads; the results below are complete only after this.
  void Stop();

  const std::vector<seats_test::User>& users() const { return users_; }
  const std::vector<LoadShow>& shows() const { return shows_; }
  std::vector<Sample> samples() const;
  std::vector<ToldBooking> bookings() const;

 private:
  void Run(std::size_t user);

  std::vector<seats_test::User> users_;
  std::vector<LoadShow> shows_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  std::vector<Sample> samples_;
  std::vector<ToldBooking> bookings_;
};

// Counts of answers, in the classes the FAULT lines report.
struct Tally {
  long requests = 0;
  long ok = 0;           // 2xx
  long conflict = 0;     // 409
  long bad_gateway = 0;  // 502
  long unavailable = 0;  // 503
  long other_5xx = 0;    // 500, 504 ...
  long conn_errors = 0;  // no HTTP answer at all
  long other_4xx = 0;    // 404, 429 ... (none expected)

  void Add(const Sample& s);
  static Tally Of(const std::vector<Sample>& samples);
  // "requests=.. ok=.. 409=.. 502=.. 503=.. 5xx_other=.. conn_errors=.. 4xx_other=.."
  std::string Fields() const;
};

// Up to `n` seats of `show` that are free right now (highest ids first: the other suites
// take theirs from the front of a grid).
std::vector<std::int64_t> FreeSeats(seats_test::Db& db, std::int64_t show, int n);

// `users` freshly registered users (tag names them) and a load over three future shows.
std::unique_ptr<Load> MakeLoad(int users, const std::string& tag);

// Latency percentile (0..100) of the samples, in milliseconds; 0 when there are none.
long long PercentileMillis(const std::vector<Sample>& samples, double percentile);

}  // namespace faults
