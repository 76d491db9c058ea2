// The TFTP reads a machine completed, from its own datagrams (sim/facts/tftp_downloads.h): the OACK's
// block size decides which block is the last, a block sent again counts once, an ERROR or another
// machine's server does not make a download.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/facts/tftp_downloads.h"

namespace bootsim::facts {
namespace {

constexpr std::uint32_t kClient = 0x0A00020F, kServer = 0x0A000202;

UdpDatagram rrq(std::uint16_t port, const std::string& file) {
  UdpDatagram d;
  d.src_ip = kClient, d.dst_ip = kServer, d.src_port = port, d.dst_port = 69;
  d.payload = {0, 1};
  for (char c : file + std::string("\0octet\0blksize\0" "1432\0", 20)) d.payload.push_back(static_cast<std::uint8_t>(c));
  return d;
}

UdpDatagram reply(std::uint16_t port, std::vector<std::uint8_t> payload, std::uint32_t from = kServer) {
  UdpDatagram d;
  d.src_ip = from, d.dst_ip = kClient, d.src_port = 40000, d.dst_port = port;
  d.payload = std::move(payload);
  return d;
}

UdpDatagram data(std::uint16_t port, std::uint16_t block, size_t len) {
  std::vector<std::uint8_t> p = {0, 3, static_cast<std::uint8_t>(block >> 8), static_cast<std::uint8_t>(block)};
  p.resize(4 + len, 0xAA);
  return reply(port, p);
}

UdpDatagram oack(std::uint16_t port, const std::string& blksize) {
  std::vector<std::uint8_t> p = {0, 6};
  for (char c : "blksize" + std::string(1, '\0') + blksize + std::string(1, '\0')) p.push_back(static_cast<std::uint8_t>(c));
  return reply(port, p);
}

TEST(tftp_downloads, OackBlockSizeDecidesTheLastBlockAndRepeatsCountOnce) {
  TftpReader r;
  r.feed_tx(10, rrq(2000, "undionly.kpxe"));
  r.feed_tx(11, rrq(2000, "undionly.kpxe"));  // the RRQ sent again: still one read
  r.feed_rx(20, oack(2000, "1432"));
  r.feed_rx(30, data(2000, 1, 1432));
  r.feed_rx(31, data(2000, 1, 1432));  // the server sent block 1 again
  r.feed_rx(40, data(2000, 2, 1432));
  EXPECT_TRUE(r.downloads().empty());
  r.feed_rx(50, data(2000, 3, 1000));  // shorter than the OACK's 1432 (with the default 512 it would not end)
  ASSERT_EQ(r.downloads().size(), 1u);
  const FileDownload& d = r.downloads()[0];
  EXPECT_EQ(d.file, "undionly.kpxe");
  EXPECT_EQ(d.server, "10.0.2.2");
  EXPECT_EQ(d.bytes, 1432u + 1432u + 1000u);
  EXPECT_EQ(d.start_ns, 10);
  EXPECT_EQ(d.end_ns, 50);
}

TEST(tftp_downloads, ErrorsAndStrangersMakeNoDownload) {
  TftpReader r;
  r.feed_tx(10, rrq(2001, "missing.kpxe"));
  r.feed_rx(20, reply(2001, {0, 5, 0, 1, 'n', 'o', 0}));
  r.feed_rx(21, data(2001, 1, 10));  // after the error: not a read any more
  r.feed_tx(30, rrq(2002, "undionly.kpxe"));
  r.feed_rx(40, reply(2002, {0, 3, 0, 1, 1, 2, 3}, 0x0A000299));  // another host's data to that port
  EXPECT_TRUE(r.downloads().empty());
  r.feed_rx(50, data(2002, 1, 3));  // no OACK: 512-byte blocks, so 3 bytes end it
  ASSERT_EQ(r.downloads().size(), 1u);
  EXPECT_EQ(r.downloads()[0].bytes, 3u);
}

}  // namespace
}  // namespace bootsim::facts
