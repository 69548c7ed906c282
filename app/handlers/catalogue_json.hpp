#pragma once

#include <jansson.h>

#include <string>
#include <vector>

#include "bookings/bookings.hpp"
#include "catalogue/catalogue.hpp"

namespace seats {

// A movie as GET /movies lists it and the admin answers give it.
json_t* movie_json(const Movie& movie);

// A show as GET /movies/:id/shows lists it and the admin answers give it (API.md Part 2).
json_t* show_json(const Showing& show, const std::string& currency);

// A booking's seats, [{"id","name"}], as GET /bookings and the check-in answer give them.
json_t* booking_seats_json(const std::vector<BookingSeat>& seats);

}  // namespace seats
