#include "http/problem.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "http/response.hpp"

namespace seats {
namespace {

TEST(Problem, EveryCodeMapsToTheContractStatus) {
  EXPECT_EQ(problem_shape(Err::InvalidJson).status, 400);
  EXPECT_EQ(problem_shape(Err::InvalidCredentials).status, 401);
  EXPECT_EQ(problem_shape(Err::BookingNotFound).status, 404);
  EXPECT_EQ(problem_shape(Err::MethodNotAllowed).status, 405);
  EXPECT_EQ(problem_shape(Err::HoldLimitReached).status, 409);
  EXPECT_EQ(problem_shape(Err::PayloadTooLarge).status, 413);
  EXPECT_EQ(problem_shape(Err::IdempotencyKeyReused).status, 422);
  EXPECT_EQ(problem_shape(Err::TooManyRequests).status, 429);
  EXPECT_EQ(problem_shape(Err::Unavailable).status, 503);
  EXPECT_EQ(problem_shape(Err::Internal).status, 500);
}

TEST(Problem, CodesAreDistinct) {
  std::set<std::string> codes;
  for (int i = 0; i <= static_cast<int>(Err::Internal); ++i) {
    EXPECT_TRUE(codes.insert(problem_shape(static_cast<Err>(i)).code).second) << i;
  }
}

TEST(Problem, BodyIsRfc9457WithMachineCode) {
  Response r = problem_response(Err::SeatUnavailable, "Seat A1 is held by another customer");
  EXPECT_EQ(r.status, 409);
  EXPECT_STREQ(r.content_type, "application/problem+json");
  EXPECT_EQ(json_text(r.body.get()),
            R"({"type":"about:blank","title":"Conflict","status":409,)"
            R"("code":"seat_unavailable","detail":"Seat A1 is held by another customer"})");
}

}  // namespace
}  // namespace seats
