#include "support/api.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace seats_test {

std::string Str(std::int64_t v) { return std::to_string(v); }

std::string IdList(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + Str(id);
  return out.empty() ? "NULL" : out;
}

std::string UniqueEmail(const std::string& tag) {
  static std::atomic<int> counter{0};
  const auto nanos = std::chrono::steady_clock::now().time_since_epoch().count();
  return tag + "." + std::to_string(getpid()) + "." + std::to_string(counter.fetch_add(1)) + "." +
         std::to_string(nanos % 1000000007) + "@example.com";
}

Response PostRegister(const Json& body) {
  Client c;
  return c.post("/api/v1/register", JsonBody(body));
}

Response PostRegisterRaw(const std::string& body) {
  Client c;
  return c.post("/api/v1/register", RawBody(body));
}

Response PostLogin(const Json& body) {
  Client c;
  return c.post("/api/v1/login", JsonBody(body));
}

User RegisterUser(const std::string& tag) {
  User u;
  u.email = UniqueEmail(tag);
  u.password = "correct horse battery";
  u.name = "Test " + tag;
  Client c;
  const Response reg = c.post(
      "/api/v1/register",
      JsonBody(
          Json::object().set("email", u.email).set("password", u.password).set("name", u.name)));
  if (reg.status != 201 || !reg.json["user"]["id"].is_integer()) {
    throw std::runtime_error("register failed: " + reg.describe());
  }
  u.id = reg.json["user"]["id"].integer();
  const Response login = c.post(
      "/api/v1/login", JsonBody(Json::object().set("email", u.email).set("password", u.password)));
  if (login.status != 200 || !login.json["token"].is_string()) {
    throw std::runtime_error("login failed: " + login.describe());
  }
  u.token = login.json["token"].string();
  return u;
}

std::vector<User> RegisterUsers(int n, const std::string& tag) {
  constexpr int kThreads = 16;
  std::vector<User> users(static_cast<std::size_t>(n));
  std::atomic<int> next{0};
  std::mutex error_mutex;
  std::string error;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
        try {
          users[static_cast<std::size_t>(i)] = RegisterUser(tag);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(error_mutex);
          error = e.what();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (!error.empty()) throw std::runtime_error(error);
  return users;
}

std::string SeatLockPath(std::int64_t seat_id) { return "/api/v1/seats/" + Str(seat_id) + "/lock"; }
std::string ShowSeatsPath(std::int64_t show_id) {
  return "/api/v1/shows/" + Str(show_id) + "/seats";
}
std::string BookingPath(std::int64_t booking_id) { return "/api/v1/bookings/" + Str(booking_id); }

Response Lock(Client& c, const User& u, std::int64_t seat_id) {
  return c.patch(SeatLockPath(seat_id), Auth(u.token));
}

Response Release(Client& c, const User& u, std::int64_t seat_id) {
  return c.del(SeatLockPath(seat_id), Auth(u.token));
}

Json BookingBody(std::int64_t show_id, const std::vector<std::int64_t>& seat_ids) {
  return Json::object().set("show_id", Json(show_id)).set("seat_ids", IdArrayOf(seat_ids));
}

Response Book(Client& c, const User& u, std::int64_t show_id,
              const std::vector<std::int64_t>& seat_ids, const std::string& idempotency_key) {
  Request req = JsonBody(BookingBody(show_id, seat_ids), u.token);
  if (!idempotency_key.empty()) req.Header("Idempotency-Key: " + idempotency_key);
  return c.post(kBookingsPath, req);
}

Response Cancel(Client& c, const User& u, std::int64_t booking_id) {
  return c.del(BookingPath(booking_id), Auth(u.token));
}

void MustLock(Client& c, const User& u, const std::vector<std::int64_t>& seat_ids) {
  for (auto id : seat_ids) {
    const Response r = Lock(c, u, id);
    if (r.status != 200) throw std::runtime_error("lock failed: " + r.describe());
  }
}

std::int64_t MustBook(Client& c, const User& u, std::int64_t show_id,
                      const std::vector<std::int64_t>& seat_ids) {
  const Response r = Book(c, u, show_id, seat_ids);
  if (r.status != 201 || !r.json["booking_id"].is_integer()) {
    throw std::runtime_error("booking failed: " + r.describe());
  }
  return r.json["booking_id"].integer();
}

void WaitForDbTimePast(Db& db, TimePoint t) {
  constexpr auto kMargin = std::chrono::milliseconds(300);
  constexpr auto kPoll = std::chrono::milliseconds(100);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (db.now() < t + kMargin) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("database clock never passed the awaited time");
    }
    std::this_thread::sleep_for(kPoll);
  }
}

Json FindSeat(const Json& grid, std::int64_t seat_id) {
  for (std::size_t i = 0; i < grid.size(); ++i) {
    if (grid.at(i)["id"].integer() == seat_id) return grid.at(i);
  }
  return {};
}

void ApiTest::TearDown() {
  for (const auto& [user, booking] : to_cancel_) Cancel(client, user, booking);
}

void ApiTest::CancelAtEnd(const User& u, std::int64_t booking_id) {
  to_cancel_.emplace_back(u, booking_id);
}

Db& ApiTest::db() {
  if (!db_) db_ = std::make_unique<Db>();
  return *db_;
}

}  // namespace seats_test
