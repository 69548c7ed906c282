// Live seat events (API.md Part 2, "On-sale"): every committed change to a show's seats is
// one Server-Sent Event through nginx, with the seats it changed and never who changed them;
// a lapse and a change that changes nothing send nothing; Last-Event-ID replays what a
// subscriber missed; an event reaches subscribers within 100 ms of the change's answer.
//
// "Nothing was sent" is shown with a sentinel: after the change under test, another user
// holds a seat kept for that, and that hold must be the very next event (a channel's events
// arrive in order), so no event can hide in between however long one waits.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
#include "support/event_stream.hpp"

namespace seats_test {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kAnswerWait(5000);              // for a subscription's status line
constexpr milliseconds kEventWait(3000);               // for an event that must come
constexpr auto kLapseGrace = std::chrono::seconds(1);  // after a hold's expiry, past the margin
constexpr auto kMaxDelivery = milliseconds(100);       // API.md: within 100 ms of the answer
constexpr int kDeliverySamples = 20;
constexpr std::size_t kSeats = 8;

// Seat id -> the status an event must give it.
using SeatStates = std::map<std::int64_t, std::string>;

std::string Describe(const std::optional<Event>& e) {
  return e ? "event id=\"" + e->id + "\" data=" + e->data : std::string("no event");
}

class Events : public ApiTest {
 protected:
  static void SetUpTestSuite() {
    Db db;
    admin_ = new User(RegisterAdmin(db, "events.admin"));
  }
  static void TearDownTestSuite() {
    delete admin_;
    admin_ = nullptr;
  }

  void SetUp() override {
    show = MustCreateOwnShow(client, db(), *admin_, "events",
                             {.rows = {{"A", static_cast<int>(kSeats)}}});
    alice = RegisterUser("events.alice");
    bob = RegisterUser("events.bob");
  }

  std::int64_t seat(std::size_t i) const { return show.seat_ids.at(i); }

  // A subscription to this test's show that nginx answered 200 text/event-stream.
  std::unique_ptr<EventStream> Subscribe(const std::string& last_event_id = {}) {
    std::vector<std::string> headers = {kAcceptEvents};
    if (!last_event_id.empty()) headers.push_back("Last-Event-ID: " + last_event_id);
    auto s = std::make_unique<EventStream>(EventsPath(show.id), headers);
    if (!s->WaitForAnswer(kAnswerWait)) throw std::runtime_error("no answer to the subscription");
    const Response a = s->answer();
    if (a.status != 200 || a.media_type() != "text/event-stream") {
      throw std::runtime_error("subscription refused: " + a.describe());
    }
    return s;
  }

  // A subscription's whole answer when nginx refuses it (or what came within the wait).
  static Response Refused(const std::string& path, const std::vector<std::string>& headers) {
    EventStream s(path, headers);
    s.WaitForEnd(kAnswerWait);
    return s.answer();
  }

  // The event has an id and exactly {"seats":[...]} with these seats in these states, each
  // {"id","status"} plus "expires_at" (RFC 3339 UTC) for LOCKED, and nothing naming a user.
  ::testing::AssertionResult IsSeatEvent(const std::optional<Event>& e, const SeatStates& want) {
    auto fail = [&](const std::string& what) {
      return ::testing::AssertionFailure() << what << "\n  " << Describe(e);
    };
    if (!e) return fail("expected an event");
    if (e->id.empty()) return fail("the event has no id");
    if (!e->json.is_object() || e->json.keys() != std::set<std::string>{"seats"}) {
      return fail("the data is not {\"seats\":[...]}");
    }
    const Json seats = e->json["seats"];
    if (!seats.is_array()) return fail("\"seats\" is not an array");
    SeatStates got;
    for (std::size_t i = 0; i < seats.size(); ++i) {
      const Json s = seats.at(i);
      const std::string status = s["status"].string();
      const std::set<std::string> keys = status == "LOCKED"
                                             ? std::set<std::string>{"id", "status", "expires_at"}
                                             : std::set<std::string>{"id", "status"};
      if (!s.is_object() || s.keys() != keys || !s["id"].is_integer()) {
        return fail("seat " + std::to_string(i) + " is not {id, status[, expires_at]}");
      }
      if (status == "LOCKED" && !IsRfc3339Utc(s["expires_at"].string())) {
        return fail("expires_at is not RFC 3339 UTC");
      }
      if (!got.emplace(s["id"].integer(), status).second) return fail("a seat is listed twice");
    }
    if (got != want) {
      std::string w;
      for (const auto& [id, status] : want) w += " " + Str(id) + "=" + status;
      return fail("expected the seats" + w);
    }
    for (const User* u : {&alice, &bob}) {
      for (const std::string& identity : {u->email, u->name, std::string("\"user")}) {
        if (e->data.find(identity) != std::string::npos) return fail("names a user: " + identity);
      }
    }
    return ::testing::AssertionSuccess();
  }

  // Holds the next sentinel seat (from the end of the row) as bob and requires that hold to
  // be the next event: nothing was sent since the last event taken.
  ::testing::AssertionResult NothingElseArrived(EventStream& s) {
    const std::int64_t sentinel = seat(kSeats - 1 - sentinels_used_++);
    const Response r = Lock(client, bob, sentinel);
    if (r.status != 200) return ::testing::AssertionFailure() << r.describe();
    auto result = IsSeatEvent(s.Next(kEventWait), {{sentinel, "LOCKED"}});
    if (!result) result << "\n  (the sentinel hold must be the next event)";
    return result;
  }

  std::int64_t SeatsWithStatus(const std::vector<std::int64_t>& ids, const std::string& status) {
    return db().integer("SELECT COUNT(*) FROM show_seats WHERE id IN (" + IdList(ids) +
                        ") AND status = '" + status + "'");
  }

  static User* admin_;
  OwnShow show;
  User alice, bob;

 private:
  std::size_t sentinels_used_ = 0;
};

User* Events::admin_ = nullptr;

TEST_F(Events, AHoldSendsItsSeatLockedWithTheAnswersExpiry) {
  auto s = Subscribe();
  const Response lock = Lock(client, alice, seat(0));
  ASSERT_TRUE(IsJson(lock, 200));
  const auto e = s->Next(kEventWait);
  ASSERT_TRUE(IsSeatEvent(e, {{seat(0), "LOCKED"}}));
  const std::string expires = e->json["seats"].at(0)["expires_at"].string();
  EXPECT_EQ(expires, lock.json["expires_at"].string());
  EXPECT_EQ(ParseTime(expires), ParseTime(lock.json["expires_at"].string()));
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats WHERE status = 'LOCKED' AND id = " +
                         Str(seat(0)) + " AND user_id = " + Str(alice.id)),
            1);
}

TEST_F(Events, AReleaseSendsItsSeatAvailableAndAReleaseThatChangesNothingSendsNothing) {
  auto s = Subscribe();
  MustLock(client, alice, {seat(0)});
  ASSERT_TRUE(IsSeatEvent(s->Next(kEventWait), {{seat(0), "LOCKED"}}));
  ASSERT_TRUE(IsJson(Release(client, alice, seat(0)), 200));
  EXPECT_TRUE(IsSeatEvent(s->Next(kEventWait), {{seat(0), "AVAILABLE"}}));
  EXPECT_EQ(SeatsWithStatus({seat(0)}, "AVAILABLE"), 1);

  // Released again, and a seat never held: 200 and no change, so no event.
  ASSERT_TRUE(IsJson(Release(client, alice, seat(0)), 200));
  ASSERT_TRUE(IsJson(Release(client, alice, seat(1)), 200));
  EXPECT_TRUE(NothingElseArrived(*s));
}

TEST_F(Events, ABookingOfTwoSeatsIsOneEventWithBothSold) {
  auto s = Subscribe();
  const std::vector<std::int64_t> seats = {seat(0), seat(1)};
  MustLock(client, alice, seats);
  ASSERT_TRUE(IsSeatEvent(s->Next(kEventWait), {{seat(0), "LOCKED"}}));
  ASSERT_TRUE(IsSeatEvent(s->Next(kEventWait), {{seat(1), "LOCKED"}}));
  MustBook(client, alice, show.id, seats);
  EXPECT_TRUE(IsSeatEvent(s->Next(kEventWait), {{seat(0), "SOLD"}, {seat(1), "SOLD"}}));
  EXPECT_TRUE(NothingElseArrived(*s));
  EXPECT_EQ(SeatsWithStatus(seats, "SOLD"), 2);
}

TEST_F(Events, TheCustomersCancellationIsOneEventWithItsSeatsAvailable) {
  const std::vector<std::int64_t> seats = {seat(0), seat(1)};
  MustLock(client, alice, seats);
  const std::int64_t booking = MustBook(client, alice, show.id, seats);
  auto s = Subscribe();
  ASSERT_TRUE(IsJson(Cancel(client, alice, booking), 200));
  EXPECT_TRUE(IsSeatEvent(s->Next(kEventWait), {{seat(0), "AVAILABLE"}, {seat(1), "AVAILABLE"}}));
  EXPECT_TRUE(NothingElseArrived(*s));
  EXPECT_EQ(SeatsWithStatus(seats, "AVAILABLE"), 2);
  EXPECT_EQ(db().value("SELECT status FROM bookings WHERE id = " + Str(booking)).value_or(""),
            "CANCELLED");
}

TEST_F(Events, ACancelledShowSendsItsEventAndThenHasNoStream) {
  auto s = Subscribe();
  ASSERT_TRUE(IsJson(client.del(AdminShowPath(show.id), Auth(admin_->token)), 200));
  const auto e = s->Next(kEventWait);
  ASSERT_TRUE(e.has_value()) << "no event after the show was cancelled";
  EXPECT_FALSE(e->id.empty()) << Describe(e);
  EXPECT_EQ(e->json, Json::parse(R"({"show":"CANCELLED"})")) << Describe(e);

  EXPECT_TRUE(IsProblem(Refused(EventsPath(show.id), {kAcceptEvents}), 404, "show_not_found"));
}

TEST_F(Events, AnUnknownShowHasNoStream) {
  const std::int64_t unknown = db().integer("SELECT COALESCE(MAX(id), 0) + 1000 FROM shows");
  EXPECT_TRUE(IsProblem(Refused(EventsPath(unknown), {kAcceptEvents}), 404, "show_not_found"));
  EXPECT_TRUE(
      IsProblem(Refused(EventsPath(9223372036854775807), {kAcceptEvents}), 404, "show_not_found"));
  for (const char* id : {"0", "01", "abc"}) {
    EXPECT_TRUE(IsProblem(Refused(std::string("/api/v1/shows/") + id + "/events", {kAcceptEvents}),
                          404, "not_found"))
        << id;
  }
}

TEST_F(Events, AStreamNeedsAcceptTextEventStreamAndAGet) {
  // "Accept:" keeps libcurl from sending its own "Accept: */*": no Accept header at all.
  EXPECT_TRUE(IsProblem(Refused(EventsPath(show.id), {"Accept:"}), 406, "not_acceptable"));
  EXPECT_TRUE(
      IsProblem(Refused(EventsPath(show.id), {"Accept: application/json"}), 406, "not_acceptable"));
  const Response post = client.post(EventsPath(show.id), RawBody(""));
  EXPECT_TRUE(IsProblem(post, 405, "method_not_allowed"));
  EXPECT_TRUE(post.header_items("allow").count("GET")) << post.describe();
}

TEST_F(Events, LastEventIdReplaysExactlyWhatWasMissedInOrder) {
  std::string last_seen;
  {
    auto s = Subscribe();
    MustLock(client, alice, {seat(0)});
    const auto e = s->Next(kEventWait);
    ASSERT_TRUE(IsSeatEvent(e, {{seat(0), "LOCKED"}}));
    last_seen = e->id;
  }  // disconnected
  // Three changes while nobody listens.
  const Response first = Lock(client, alice, seat(1));
  ASSERT_TRUE(IsJson(first, 200));
  MustLock(client, alice, {seat(2)});
  ASSERT_TRUE(IsJson(Release(client, alice, seat(1)), 200));

  auto s = Subscribe(last_seen);
  const auto e1 = s->Next(kEventWait);
  ASSERT_TRUE(IsSeatEvent(e1, {{seat(1), "LOCKED"}}));
  EXPECT_EQ(e1->json["seats"].at(0)["expires_at"].string(), first.json["expires_at"].string());
  const auto e2 = s->Next(kEventWait);
  ASSERT_TRUE(IsSeatEvent(e2, {{seat(2), "LOCKED"}}));
  const auto e3 = s->Next(kEventWait);
  ASSERT_TRUE(IsSeatEvent(e3, {{seat(1), "AVAILABLE"}}));
  EXPECT_EQ((std::set<std::string>{last_seen, e1->id, e2->id, e3->id}).size(), 4u)
      << "event ids repeat";
  // Nothing else was replayed, and the stream goes on live.
  EXPECT_TRUE(NothingElseArrived(*s));
}

TEST_F(Events, ALapsedHoldSendsNothing) {
  auto s = Subscribe();
  const Response lock = Lock(client, alice, seat(0));
  ASSERT_TRUE(IsJson(lock, 200));
  ASSERT_TRUE(IsSeatEvent(s->Next(kEventWait), {{seat(0), "LOCKED"}}));
  WaitForDbTimePast(db(), ParseTime(lock.json["expires_at"].string()));
  std::this_thread::sleep_for(kLapseGrace);
  const auto during = s->Next(milliseconds(0));
  EXPECT_FALSE(during.has_value()) << "sent on a lapse: " << Describe(during);
  // The hold has lapsed indeed: the grid reads the seat free.
  const Response grid = client.get(ShowSeatsPath(show.id));
  ASSERT_TRUE(IsJson(grid, 200));
  EXPECT_EQ(FindSeat(grid.json, seat(0))["status"].string(), "AVAILABLE");
  EXPECT_TRUE(NothingElseArrived(*s));
}

TEST_F(Events, AReLockOfOnesOwnHoldSendsNothing) {
  auto s = Subscribe();
  const Response first = Lock(client, alice, seat(0));
  ASSERT_TRUE(IsJson(first, 200));
  ASSERT_TRUE(IsSeatEvent(s->Next(kEventWait), {{seat(0), "LOCKED"}}));
  const Response again = Lock(client, alice, seat(0));
  ASSERT_TRUE(IsJson(again, 200));
  EXPECT_EQ(again.json["expires_at"], first.json["expires_at"]);
  EXPECT_TRUE(NothingElseArrived(*s));
}

// The answer's arrival at the client to the event's: each hold and release of a series,
// measured one at a time (an event published before the answer counts as 0).
TEST_F(Events, AnEventArrivesWithin100MsOfTheChangesAnswer) {
  auto s = Subscribe();
  std::vector<double> delays_ms;
  for (int i = 0; i < kDeliverySamples; ++i) {
    const bool lock = i % 2 == 0;
    const Response r = lock ? Lock(client, alice, seat(0)) : Release(client, alice, seat(0));
    const SteadyTime answered = std::chrono::steady_clock::now();
    ASSERT_TRUE(IsJson(r, 200));
    const auto e = s->Next(kEventWait);
    ASSERT_TRUE(IsSeatEvent(e, {{seat(0), lock ? "LOCKED" : "AVAILABLE"}})) << "change " << i;
    const auto delay = std::max(e->arrived - answered, SteadyTime::duration::zero());
    delays_ms.push_back(std::chrono::duration<double, std::milli>(delay).count());
  }
  std::vector<double> sorted = delays_ms;
  std::sort(sorted.begin(), sorted.end());
  std::printf("event delivery after the answer, %d changes: p50 %.2f ms, max %.2f ms\n",
              kDeliverySamples, sorted[sorted.size() / 2], sorted.back());
  const double limit_ms = std::chrono::duration<double, std::milli>(kMaxDelivery).count();
  for (std::size_t i = 0; i < delays_ms.size(); ++i) {
    EXPECT_LE(delays_ms[i], limit_ms) << "change " << i;
  }
}

}  // namespace
}  // namespace seats_test
