#pragma once

#include <stdexcept>
#include <string>

namespace seats {

// Every failure the API can answer with. Each code knows its HTTP status, title and
// machine-readable `code`; nothing else in the service writes status numbers for errors.
enum class Err {
  InvalidJson,
  Unauthorized,
  Forbidden,
  InvalidCredentials,
  NotFound,
  MovieNotFound,
  ShowNotFound,
  SeatNotFound,
  BookingNotFound,
  TheatreNotFound,
  TicketNotFound,
  NotInQueue,
  MethodNotAllowed,
  SeatUnavailable,
  SeatNotHeld,
  NotLockHolder,
  HoldLimitReached,
  ShowStarted,
  EmailTaken,
  BookingNotCancellable,
  RequestInProgress,
  ShowCancelled,
  ShowOverlaps,
  NotOnSale,
  QueueNotOpen,
  NotAdmitted,
  AlreadyCheckedIn,
  BookingNotValid,
  PayloadTooLarge,
  ValidationFailed,
  IdempotencyKeyReused,
  TooManyRequests,
  Unavailable,
  Internal,
};

// A rule's typed failure. Thrown from anywhere below a handler; rendered once, by
// problem_response().
class ApiError : public std::runtime_error {
 public:
  ApiError(Err code, std::string detail) : std::runtime_error(detail), code_(code) {}
  // A refusal that ends at a known moment (a throttle's window): its answer carries
  // Retry-After with that many seconds.
  ApiError(Err code, std::string detail, int retry_after_seconds)
      : std::runtime_error(detail), code_(code), retry_after_(retry_after_seconds) {}
  Err code() const { return code_; }
  std::string detail() const { return what(); }
  int retry_after() const { return retry_after_; }

 private:
  Err code_;
  int retry_after_ = 0;
};

struct ProblemShape {
  int status;
  const char* title;
  const char* code;
};

ProblemShape problem_shape(Err code);

}  // namespace seats
