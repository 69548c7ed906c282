#pragma once

#include <string>

namespace seats {

// A new booking's ticket code: 128 bits from the kernel's random source (getrandom), as 32
// lowercase hex characters. Hex keeps it URL-safe and easy to read out or type; the QR
// code and the check-in desk only ever compare it whole.
std::string new_ticket_code();

// Whether `code` has the shape of a ticket code, so a lookup is only made for one that
// could exist.
bool is_ticket_code(const std::string& code);

}  // namespace seats
