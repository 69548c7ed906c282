#pragma once

#include <string>

namespace seats {

// A PNG of the QR code of `text` (libqrencode, error correction level M, 8-bit mode so
// lowercase survives), black on white with the four-module quiet zone the standard asks
// for, each module `module_px` pixels square. Throws std::runtime_error if either library
// fails (the text is too long for any QR version, or out of memory).
std::string qr_png(const std::string& text, int module_px = 8);

}  // namespace seats
