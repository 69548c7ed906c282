#pragma once

#include <cstddef>
#include <string>

namespace seats {

// Whether a text field may span lines (a description) or is one line (a title, a name).
enum class Lines { One, Many };

// The rule every free-text field of the API follows: surrounding whitespace trimmed, then
// `min`..`max` characters (code points), no control characters (but newlines and tabs
// when `lines` is Many). Returns the value to store or throws ApiError(ValidationFailed)
// naming `field`.
std::string checked_text(const std::string& value, const std::string& field, size_t min, size_t max,
                         Lines lines = Lines::One);

}  // namespace seats
