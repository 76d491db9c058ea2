// The one TFTP parser (sim/proto/tftp_packet): what the ROM model, the slirp watch and the download facts
// read. The bytes come from peers bootsim does not control, so the malformed cases matter as much as the
// good ones: none may throw, and none may yield a block size that never ends a transfer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/proto/tftp_packet.h"

namespace bootsim {
namespace {

std::vector<std::uint8_t> bytes(std::uint16_t op, const std::vector<std::string>& strings, bool last_nul = true) {
  std::vector<std::uint8_t> p{static_cast<std::uint8_t>(op >> 8), static_cast<std::uint8_t>(op)};
  for (const auto& s : strings) {
    p.insert(p.end(), s.begin(), s.end());
    p.push_back(0);
  }
  if (!last_nul && !p.empty()) p.pop_back();
  return p;
}

TEST(tftp_packet, ReadRequestAsIpxeSendsIt) {
  // The shape of iPXE's RRQ (file, mode, blksize, tsize; src/net/udp/tftp.c), with the case varied: mode
  // and option names are case-insensitive (RFC 1350, 2347).
  auto r = parse_tftp_rrq(bytes(1, {"/undionly.kpxe", "Octet", "BLKSIZE", "1432", "tsize", "0"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->file, "/undionly.kpxe");
  EXPECT_EQ(r->mode, "octet");
  EXPECT_EQ(r->options.size(), 2u);
  EXPECT_EQ(r->options.at("blksize"), "1432");
  EXPECT_EQ(tftp_number(r->options, "blksize", kTftpMinBlksize, kTftpMaxBlksize), 1432u);
  EXPECT_EQ(tftp_number(r->options, "tsize", 0, 0xffffffffu), 0u);
}

TEST(tftp_packet, MalformedRequestsAreNotRequests) {
  EXPECT_FALSE(parse_tftp_rrq({}));
  EXPECT_FALSE(parse_tftp_rrq({0}));
  EXPECT_FALSE(parse_tftp_rrq(bytes(2, {"f", "octet"})));             // a write request
  EXPECT_FALSE(parse_tftp_rrq(bytes(1, {"", "octet"})));              // no file name
  EXPECT_FALSE(parse_tftp_rrq(bytes(1, {"f"})));                      // no mode
  EXPECT_FALSE(parse_tftp_rrq(bytes(1, {"f", "octet"}, false)));      // the mode has no NUL
  // A name without a value is left out, the rest stands.
  auto r = parse_tftp_rrq(bytes(1, {"f", "octet", "blksize"}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->options.empty());
}

TEST(tftp_packet, OackBlockSizeOnlyWhenItIsOne) {
  auto o = parse_tftp_oack(bytes(6, {"blksize", "1432", "tsize", "72704"}));
  ASSERT_TRUE(o);
  EXPECT_EQ(tftp_number(*o, "blksize", kTftpMinBlksize, kTftpMaxBlksize), 1432u);
  EXPECT_EQ(tftp_number(*o, "tsize", 0, 0xffffffffu), 72704u);
  EXPECT_FALSE(tftp_number(*o, "timeout", 1, 255));
  for (const char* bad : {"0", "7", "65465", "x", "12x", "-1", "", "99999999999999999999", " 512"}) {
    auto b = parse_tftp_oack(bytes(6, {"blksize", bad}));
    ASSERT_TRUE(b) << bad;
    EXPECT_FALSE(tftp_number(*b, "blksize", kTftpMinBlksize, kTftpMaxBlksize)) << bad;
  }
  EXPECT_FALSE(parse_tftp_oack(bytes(6, {"blksize", "512"}, false)));
  EXPECT_FALSE(parse_tftp_oack(bytes(3, {"blksize", "512"})));
}

TEST(tftp_packet, DataAckAndErrors) {
  std::vector<std::uint8_t> data{0, 3, 0x01, 0x02, 'x'};
  EXPECT_EQ(tftp_opcode(data), TftpOpcode::kData);
  EXPECT_EQ(tftp_block(data), 0x0102);
  EXPECT_EQ(tftp_block({0, 4, 0xff, 0xfe}), 0xfffe);
  EXPECT_FALSE(tftp_block({0, 3, 1}));
  EXPECT_FALSE(tftp_block(bytes(1, {"f", "octet"})));
  EXPECT_FALSE(tftp_opcode({0, 7}));
  EXPECT_FALSE(tftp_opcode({0}));

  std::vector<std::uint8_t> err = build_tftp_error(2, "Access violation");
  EXPECT_EQ(err.size(), 4u + 16u + 1u);
  auto e = parse_tftp_error(err);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, 2);
  EXPECT_EQ(e->message, "Access violation");
  // A server that forgot the NUL still says what it meant; one with bytes after it is cut there.
  e = parse_tftp_error({0, 5, 0, 1, 'n', 'o'});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "no");
  e = parse_tftp_error({0, 5, 0, 1, 'n', 'o', 0, 'x'});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "no");
  EXPECT_FALSE(parse_tftp_error({0, 5, 0}));
}

}  // namespace
}  // namespace bootsim
