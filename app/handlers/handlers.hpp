#pragma once

#include "context.hpp"
#include "http/router.hpp"

namespace seats {

// One function per endpoint: parse the request, call the rule, shape the JSON.
Response handle_health(Context&, const Request&, const RouteParams&);
Response handle_liveness(Context&, const Request&, const RouteParams&);
Response handle_admin_audit(Context&, const Request&, const RouteParams&);
Response handle_admin_create_movie(Context&, const Request&, const RouteParams&);
Response handle_admin_update_movie(Context&, const Request&, const RouteParams&);
Response handle_admin_create_theatre(Context&, const Request&, const RouteParams&);
Response handle_admin_list_theatres(Context&, const Request&, const RouteParams&);
Response handle_admin_create_show(Context&, const Request&, const RouteParams&);
Response handle_admin_list_shows(Context&, const Request&, const RouteParams&);
Response handle_admin_cancel_show(Context&, const Request&, const RouteParams&);
Response handle_admin_show_report(Context&, const Request&, const RouteParams&);
Response handle_register(Context&, const Request&, const RouteParams&);
Response handle_login(Context&, const Request&, const RouteParams&);
Response handle_list_movies(Context&, const Request&, const RouteParams&);
Response handle_list_shows(Context&, const Request&, const RouteParams&);
Response handle_seat_map(Context&, const Request&, const RouteParams&);
Response handle_lock_seat(Context&, const Request&, const RouteParams&);
Response handle_release_seat(Context&, const Request&, const RouteParams&);
Response handle_create_booking(Context&, const Request&, const RouteParams&);
Response handle_list_bookings(Context&, const Request&, const RouteParams&);
Response handle_cancel_booking(Context&, const Request&, const RouteParams&);
Response handle_ticket_png(Context&, const Request&, const RouteParams&);
Response handle_checkin(Context&, const Request&, const RouteParams&);
Response handle_join_queue(Context&, const Request&, const RouteParams&);
Response handle_queue_place(Context&, const Request&, const RouteParams&);
Response handle_event_subscription(Context&, const Request&, const RouteParams&);

// The whole API on one screen.
Router make_router();

}  // namespace seats
