// Ticket codes and their QR images (app/tickets/). The image is read back by zbarimg
// (Debian's zbar-tools), a decoder that shares nothing with the encoder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "tickets/qr_png.hpp"
#include "tickets/ticket_code.hpp"

namespace seats {
namespace {

std::string Decode(const std::string& png) {
  char path[] = "/tmp/seats-qr-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path, std::ios::binary) << png;
  FILE* pipe = popen((std::string("zbarimg --raw -q ") + path + " 2>/dev/null").c_str(), "r");
  std::string out;
  char buffer[256];
  while (pipe && fgets(buffer, sizeof buffer, pipe)) out += buffer;
  int status = pipe ? pclose(pipe) : -1;
  unlink(path);
  EXPECT_FALSE(status == -1 || (WIFEXITED(status) && WEXITSTATUS(status) == 127))
      << "zbarimg is missing: install zbar-tools";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(TicketCode, Is128BitsOfLowercaseHexAndNeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string code = new_ticket_code();
    ASSERT_EQ(code.size(), 32u);
    ASSERT_TRUE(is_ticket_code(code)) << code;
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(TicketCode, OnlyItsOwnShapeCountsAsACode) {
  EXPECT_TRUE(is_ticket_code(std::string(32, 'f')));
  for (const std::string& bad : {std::string(31, 'a'), std::string(33, 'a'), std::string(32, 'A'),
                                 std::string(32, 'g'), std::string(), std::string(32, ' ')}) {
    EXPECT_FALSE(is_ticket_code(bad)) << bad;
  }
}

TEST(QrPng, IsAPngThatReadsBackAsItsText) {
  for (const std::string& text : {new_ticket_code(), std::string("hello"), std::string(200, 'x')}) {
    const std::string png = qr_png(text);
    ASSERT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(Decode(png), text);
  }
}

TEST(QrPng, ModulesAreAsLargeAsAsked) {
  // The same code at 4 and 8 pixels a module: the larger image is bigger on the wire too.
  const std::string code = new_ticket_code();
  EXPECT_LT(qr_png(code, 4).size(), qr_png(code, 8).size());
  EXPECT_EQ(Decode(qr_png(code, 4)), code);
}

TEST(QrPng, TextTooLongForAnyQrVersionThrows) {
  EXPECT_THROW(qr_png(std::string(5000, 'x')), std::runtime_error);
}

}  // namespace
}  // namespace seats
