#include "http/problem.hpp"

namespace seats {

ProblemShape problem_shape(Err code) {
  switch (code) {
    case Err::InvalidJson:
      return {400, "Bad Request", "invalid_json"};
    case Err::Unauthorized:
      return {401, "Unauthorized", "unauthorized"};
    case Err::InvalidCredentials:
      return {401, "Unauthorized", "invalid_credentials"};
    case Err::NotFound:
      return {404, "Not Found", "not_found"};
    case Err::MovieNotFound:
      return {404, "Not Found", "movie_not_found"};
    case Err::ShowNotFound:
      return {404, "Not Found", "show_not_found"};
    case Err::SeatNotFound:
      return {404, "Not Found", "seat_not_found"};
    case Err::BookingNotFound:
      return {404, "Not Found", "booking_not_found"};
    case Err::TheatreNotFound:
      return {404, "Not Found", "theatre_not_found"};
    case Err::TicketNotFound:
      return {404, "Not Found", "ticket_not_found"};
    case Err::NotInQueue:
      return {404, "Not Found", "not_in_queue"};
    case Err::MethodNotAllowed:
      return {405, "Method Not Allowed", "method_not_allowed"};
    case Err::SeatUnavailable:
      return {409, "Conflict", "seat_unavailable"};
    case Err::SeatNotHeld:
      return {409, "Conflict", "seat_not_held"};
    case Err::NotLockHolder:
      return {409, "Conflict", "not_lock_holder"};
    case Err::HoldLimitReached:
      return {409, "Conflict", "hold_limit_reached"};
    case Err::ShowStarted:
      return {409, "Conflict", "show_started"};
    case Err::EmailTaken:
      return {409, "Conflict", "email_taken"};
    case Err::BookingNotCancellable:
      return {409, "Conflict", "booking_not_cancellable"};
    case Err::RequestInProgress:
      return {409, "Conflict", "request_in_progress"};
    case Err::ShowCancelled:
      return {409, "Conflict", "show_cancelled"};
    case Err::ShowOverlaps:
      return {409, "Conflict", "show_overlaps"};
    case Err::NotOnSale:
      return {409, "Conflict", "not_on_sale"};
    case Err::QueueNotOpen:
      return {409, "Conflict", "queue_not_open"};
    case Err::NotAdmitted:
      return {409, "Conflict", "not_admitted"};
    case Err::AlreadyCheckedIn:
      return {409, "Conflict", "already_checked_in"};
    case Err::BookingNotValid:
      return {409, "Conflict", "booking_not_valid"};
    case Err::PayloadTooLarge:
      return {413, "Content Too Large", "payload_too_large"};
    case Err::ValidationFailed:
      return {422, "Unprocessable Content", "validation_failed"};
    case Err::IdempotencyKeyReused:
      return {422, "Unprocessable Content", "idempotency_key_reused"};
    case Err::Forbidden:
      return {403, "Forbidden", "forbidden"};
    case Err::TooManyRequests:
      return {429, "Too Many Requests", "too_many_requests"};
    case Err::Unavailable:
      return {503, "Service Unavailable", "unavailable"};
    case Err::Internal:
      break;
  }
  return {500, "Internal Server Error", "internal_error"};
}

}  // namespace seats
