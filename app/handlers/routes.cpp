#include "handlers/handlers.hpp"

namespace seats {

Router make_router() {
  return Router({
      {"GET", "/api/v1/health", handle_health},
      {"GET", "/api/v1/health/live", handle_liveness},
      {"POST", "/api/v1/register", handle_register},
      {"POST", "/api/v1/login", handle_login},
      {"GET", "/api/v1/movies", handle_list_movies},
      {"GET", "/api/v1/movies/:id/shows", handle_list_shows},
      {"GET", "/api/v1/shows/:id/seats", handle_seat_map},
      {"POST", "/api/v1/shows/:id/queue", handle_join_queue},
      {"GET", "/api/v1/shows/:id/queue", handle_queue_place},
      {"GET", "/api/v1/shows/:id/events", handle_event_subscription},
      {"PATCH", "/api/v1/seats/:id/lock", handle_lock_seat},
      {"POST", "/api/v1/seats/:id/lock", handle_lock_seat},
      {"DELETE", "/api/v1/seats/:id/lock", handle_release_seat},
      {"POST", "/api/v1/bookings", handle_create_booking},
      {"GET", "/api/v1/bookings", handle_list_bookings},
      {"DELETE", "/api/v1/bookings/:id", handle_cancel_booking},
      {"GET", "/api/v1/bookings/:id/ticket.png", handle_ticket_png},
      {"POST", "/api/v1/checkin", handle_checkin},
      {"POST", "/api/v1/admin/movies", handle_admin_create_movie},
      {"PATCH", "/api/v1/admin/movies/:id", handle_admin_update_movie},
      {"POST", "/api/v1/admin/theatres", handle_admin_create_theatre},
      {"GET", "/api/v1/admin/theatres", handle_admin_list_theatres},
      {"POST", "/api/v1/admin/shows", handle_admin_create_show},
      {"GET", "/api/v1/admin/shows", handle_admin_list_shows},
      {"DELETE", "/api/v1/admin/shows/:id", handle_admin_cancel_show},
      {"GET", "/api/v1/admin/shows/:id/report", handle_admin_show_report},
      {"GET", "/api/v1/admin/audit", handle_admin_audit},
  });
}

}  // namespace seats
