#include "load.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

#include "support/seat_pool.hpp"

namespace faults {

using seats_test::Auth;
using seats_test::Client;
using seats_test::JsonBody;
using seats_test::Request;
using seats_test::Response;
using seats_test::User;

namespace {

// nginx allows 100 requests/s per address with a burst of 200; a thread moves to a fresh
// source address well before that, so the load never meets the rate limit.
constexpr int kRequestsPerAddress = 100;
// Bookings a thread keeps before cancelling its oldest: enough confirmed bookings to
// check afterwards, few enough that the shows never sell out.
constexpr std::size_t kLiveBookingsPerUser = 2;
// One attempt in this many walks away from its holds, to leave expired holds behind.
constexpr unsigned kAbandonOneIn = 20;
// Of the remaining attempts that hold every seat they wanted, this share (out of 20) books.
constexpr unsigned kBookOutOf20 = 14;
// The future demo shows the load runs on: the 5th to the 7th (index 4..6).
constexpr std::size_t kFirstShowIndex = 4;
constexpr std::size_t kLoadShows = 3;

}  // namespace

Sample Timed(Op op, Client& client, const std::string& method, const std::string& path,
             const Request& request, Response* answer) {
  Sample s;
  s.op = op;
  s.path = path;
  s.start = Clock::now();
  Response r = client.send(method, path, request);
  s.end = Clock::now();
  s.status = r.status;
  s.problem = r.media_type() == "application/problem+json";
  if (r.status >= 400 && r.json["code"].is_string()) s.code = r.json["code"].string();
  if (answer != nullptr) *answer = std::move(r);
  return s;
}

std::vector<LoadShow> LoadShows(std::size_t count) {
  const auto& future = seats_test::FutureShows();
  if (future.size() < kFirstShowIndex + count) {
    throw std::runtime_error("not enough future shows for the load");
  }
  Client c;
  std::vector<LoadShow> shows;
  for (std::size_t i = 0; i < count; ++i) {
    LoadShow show{future[kFirstShowIndex + i].id, {}};
    const Response grid = c.get(seats_test::ShowSeatsPath(show.id));
    if (grid.status != 200 || !grid.json.is_array() || grid.json.size() == 0) {
      throw std::runtime_error("cannot read the seat grid: " + grid.describe());
    }
    for (std::size_t k = 0; k < grid.json.size(); ++k) {
      show.seats.push_back(grid.json.at(k)["id"].integer());
    }
    shows.push_back(std::move(show));
  }
  return shows;
}

std::vector<std::int64_t> FreeSeats(seats_test::Db& db, std::int64_t show, int n) {
  std::vector<std::int64_t> seats;
  for (const auto& row :
       db.rows("SELECT id FROM show_seats WHERE show_id = " + seats_test::Str(show) +
               " AND (status = 'AVAILABLE' OR (status = 'LOCKED' AND hold_expires_at <= NOW(6))) "
               "ORDER BY id DESC LIMIT " +
               std::to_string(n))) {
    seats.push_back(std::stoll(row[0].value_or("0")));
  }
  return seats;
}

std::unique_ptr<Load> MakeLoad(int users, const std::string& tag) {
  return std::make_unique<Load>(seats_test::RegisterUsers(users, tag), LoadShows(kLoadShows));
}

Load::Load(std::vector<User> users, std::vector<LoadShow> shows)
    : users_(std::move(users)), shows_(std::move(shows)) {}

Load::~Load() { Stop(); }

void Load::Start() {
  stop_ = false;
  for (std::size_t u = 0; u < users_.size(); ++u) threads_.emplace_back([this, u] { Run(u); });
}

void Load::Stop() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

std::vector<Sample> Load::samples() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return samples_;
}

std::vector<ToldBooking> Load::bookings() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bookings_;
}

void Load::Run(std::size_t u) {
  const User& user = users_[u];
  std::mt19937 rng(static_cast<unsigned>(std::random_device{}()) + static_cast<unsigned>(u));
  auto client = std::make_unique<Client>();
  int sent = 0;
  std::vector<Sample> samples;
  std::vector<ToldBooking> told;
  std::deque<std::size_t> live;  // indexes into told, oldest first

  auto send = [&](Op op, const char* method, const std::string& path, const Request& request,
                  Response* answer = nullptr) -> const Sample& {
    if (++sent > kRequestsPerAddress) {
      client = std::make_unique<Client>();
      sent = 1;
    }
    samples.push_back(Timed(op, *client, method, path, request, answer));
    return samples.back();
  };
  auto release_all = [&](const std::vector<std::int64_t>& seats) {
    for (auto seat : seats)
      send(Op::kRelease, "DELETE", seats_test::SeatLockPath(seat), Auth(user.token));
  };

  while (!stop_) {
    const LoadShow& show = shows_[rng() % shows_.size()];
    std::vector<std::int64_t> wanted = show.seats;
    std::shuffle(wanted.begin(), wanted.end(), rng);
    wanted.resize(1 + rng() % 3);
    std::vector<std::int64_t> held;
    for (auto seat : wanted) {
      if (send(Op::kLock, "PATCH", seats_test::SeatLockPath(seat), Auth(user.token)).status ==
          200) {
        held.push_back(seat);
      }
    }
    if (held.empty()) continue;
    const auto roll = static_cast<unsigned>(rng() % kAbandonOneIn);
    if (roll == 0) continue;  // walk away: the hold must lapse by itself
    if (held.size() == wanted.size() && roll < kBookOutOf20) {
      Response r;
      const Sample& s = send(Op::kBook, "POST", seats_test::kBookingsPath,
                             JsonBody(seats_test::BookingBody(show.id, held), user.token), &r);
      if (s.status == 201 && r.json["booking_id"].is_integer()) {
        told.push_back({r.json["booking_id"].integer(), u, show.id, held, Fate::kConfirmed});
        live.push_back(told.size() - 1);
      } else {
        release_all(held);
      }
    } else {
      release_all(held);
    }
    while (live.size() > kLiveBookingsPerUser) {
      ToldBooking& b = told[live.front()];
      live.pop_front();
      const Sample& s =
          send(Op::kCancel, "DELETE", seats_test::BookingPath(b.id), Auth(user.token));
      if (s.status == 200)
        b.fate = Fate::kCancelled;
      else if (s.status == 0 || s.status >= 500)
        b.fate = Fate::kUnknown;
      // Any 4xx leaves it CONFIRMED as far as the client knows; the checks will say.
    }
  }

  std::lock_guard<std::mutex> lock(mutex_);
  samples_.insert(samples_.end(), samples.begin(), samples.end());
  bookings_.insert(bookings_.end(), told.begin(), told.end());
}

void Tally::Add(const Sample& s) {
  requests += 1;
  if (s.status == 0)
    conn_errors += 1;
  else if (s.status >= 200 && s.status < 300)
    ok += 1;
  else if (s.status == 409)
    conflict += 1;
  else if (s.status == 502)
    bad_gateway += 1;
  else if (s.status == 503)
    unavailable += 1;
  else if (s.status >= 500)
    other_5xx += 1;
  else
    other_4xx += 1;
}

Tally Tally::Of(const std::vector<Sample>& samples) {
  Tally t;
  for (const auto& s : samples) t.Add(s);
  return t;
}

std::string Tally::Fields() const {
  std::ostringstream out;
  out << "requests=" << requests << " ok=" << ok << " 409=" << conflict << " 502=" << bad_gateway
      << " 503=" << unavailable << " 5xx_other=" << other_5xx << " conn_errors=" << conn_errors
      << " 4xx_other=" << other_4xx;
  return out.str();
}

long long PercentileMillis(const std::vector<Sample>& samples, double percentile) {
  if (samples.empty()) return 0;
  std::vector<long long> ms;
  for (const auto& s : samples) ms.push_back(s.millis());
  std::sort(ms.begin(), ms.end());
  auto rank =
      static_cast<std::size_t>(percentile / 100.0 * static_cast<double>(ms.size() - 1) + 0.5);
  return ms[std::min(rank, ms.size() - 1)];
}

}  // namespace faults
