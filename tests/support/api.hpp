// Users, requests and the per-test fixture shared by the integration suites.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/client.hpp"
#include "support/db.hpp"
#include "support/json.hpp"

namespace seats_test {

struct User {
  std::int64_t id = 0;
  std::string email;
  std::string password;
  std::string name;
  std::string token;
};

// The demo user of sql/demo.sql (API.md "Demo data"); their hash has the full bcrypt cost.
constexpr const char* kDemoEmail = "alex@example.com";
constexpr const char* kDemoPassword = "###yr538nf>";

// An e-mail address nobody has used: tag, pid, a counter and the clock.
std::string UniqueEmail(const std::string& tag);

// Registers and logs in a new user, each call from a fresh source address so the login
// rate limit never applies. Throws std::runtime_error describing the answer on failure.
User RegisterUser(const std::string& tag);
// n users, registered over a few threads.
std::vector<User> RegisterUsers(int n, const std::string& tag);

// POST /register and /login from a fresh source address.
Response PostRegister(const Json& body);
Response PostRegisterRaw(const std::string& body);
Response PostLogin(const Json& body);

std::string SeatLockPath(std::int64_t seat_id);
std::string ShowSeatsPath(std::int64_t show_id);
std::string BookingPath(std::int64_t booking_id);
inline const char* const kBookingsPath = "/api/v1/bookings";

Response Lock(Client& c, const User& u, std::int64_t seat_id);
Response Release(Client& c, const User& u, std::int64_t seat_id);
Json BookingBody(std::int64_t show_id, const std::vector<std::int64_t>& seat_ids);
Response Book(Client& c, const User& u, std::int64_t show_id,
              const std::vector<std::int64_t>& seat_ids, const std::string& idempotency_key = {});
Response Cancel(Client& c, const User& u, std::int64_t booking_id);

// Locks each seat; throws unless every lock answers 200.
void MustLock(Client& c, const User& u, const std::vector<std::int64_t>& seat_ids);
// Books; throws unless 201, and returns the booking id.
std::int64_t MustBook(Client& c, const User& u, std::int64_t show_id,
                      const std::vector<std::int64_t>& seat_ids);

// Polls the database clock until it is past t by a small margin (for waiting out a hold,
// which the database's clock judges). Throws after a deadline.
void WaitForDbTimePast(Db& db, TimePoint t);

// The element of a seat grid with this seat id (absent if missing).
Json FindSeat(const Json& grid, std::int64_t seat_id);

std::string Str(std::int64_t v);
// "1,2,3" for SQL IN lists of ids the suite itself produced.
std::string IdList(const std::vector<std::int64_t>& ids);

// Each test gets a Client with its own source address and a database handle; bookings
// handed to CancelAtEnd are cancelled afterwards so their seats are free for the next run.
class ApiTest : public ::testing::Test {
 protected:
  void TearDown() override;
  void CancelAtEnd(const User& u, std::int64_t booking_id);
  Db& db();

  Client client;

 private:
  std::vector<std::pair<User, std::int64_t>> to_cancel_;
  std::unique_ptr<Db> db_;
};

}  // namespace seats_test
