#include "firmware/pxe_tftp_client.h"

#include "firmware/pxe_api.h"

namespace bootsim {

using namespace pxe;

namespace {

constexpr int kTimeouts[] = {1, 2, 4, 8};  // seconds, as the boot phase (pxe_base_code.cpp)
constexpr std::uint16_t kOpRrq = 1, kOpData = 3, kOpAck = 4, kOpError = 5, kOpOack = 6;

std::uint16_t be16(const std::vector<std::uint8_t>& p, size_t at) {
  return static_cast<std::uint16_t>(p[at] << 8 | p[at + 1]);
}

/// The status a ROM reports for a TFTP ERROR packet's code.
std::uint16_t error_status(std::uint16_t code) {
  if (code == 1) return STATUS_TFTP_FILE_NOT_FOUND;
  if (code == 2) return STATUS_TFTP_ACCESS_VIOLATION;
  return STATUS_TFTP_CANNOT_OPEN_CONNECTION;
}

}  // namespace

void PxeTftpClient::send(std::vector<std::uint8_t> payload) {
  ip_.send(server_, gw_, port_, server_tid_, std::move(payload));
}

void PxeTftpClient::send_ack(std::uint16_t block) {
  send({0, kOpAck, static_cast<std::uint8_t>(block >> 8), static_cast<std::uint8_t>(block & 0xFF)});
}

std::uint16_t PxeTftpClient::open(std::uint32_t server, std::uint32_t gw, std::uint16_t server_port,
                                  const std::string& file, std::uint16_t blksize, bool want_tsize) {
  server_ = server;
  gw_ = gw;
  server_tid_ = server_port;
  std::vector<std::uint8_t> rrq = {0, kOpRrq};
  auto add = [&](const std::string& s) {
    rrq.insert(rrq.end(), s.begin(), s.end());
    rrq.push_back(0);
  };
  add(file);
  add("octet");
  if (want_tsize) {
    add("tsize");
    add("0");
  }
  if (blksize) {
    add("blksize");
    add(std::to_string(blksize));
  }
  if (!ip_.resolve(server, gw)) return STATUS_TFTP_CANNOT_ARP_ADDRESS;
  for (int timeout : kTimeouts) {
    server_tid_ = server_port;
    send(rrq);
    SimTime deadline = host_.now() + SimTime::from_s(timeout);
    while (auto d = ip_.wait_for(port_, server, deadline)) {
      const std::vector<std::uint8_t>& p = d->payload;
      if (p.size() < 4) continue;
      std::uint16_t op = be16(p, 0);
      server_tid_ = d->src_port;
      if (op == kOpError) return error_status(be16(p, 2));
      if (op == kOpOack) {
        // Options come back as NUL-terminated name/value pairs; keep what we asked for.
        std::vector<std::string> parts(1);
        for (size_t i = 2; i < p.size(); ++i) {
          if (p[i]) parts.back() += static_cast<char>(p[i]);
          else parts.emplace_back();
        }
        for (size_t i = 0; i + 1 < parts.size(); i += 2) {
          std::uint32_t v = 0;
          for (char c : parts[i + 1]) v = c >= '0' && c <= '9' ? v * 10 + static_cast<std::uint32_t>(c - '0') : v;
          if (parts[i] == "blksize" && v >= 8 && v <= blksize) blksize_ = static_cast<std::uint16_t>(v);
          if (parts[i] == "tsize") tsize_ = v;
        }
        open_ = true;
        last_block_ = 0;
        send_ack(0);  // starts the data
        return STATUS_SUCCESS;
      }
      if (op == kOpData && be16(p, 2) == 1) {  // no option support: 512-byte blocks from block 1
        blksize_ = 512;
        first_data_ = std::vector<std::uint8_t>(p.begin() + 4, p.end());
        open_ = true;
        return STATUS_SUCCESS;
      }
      // Anything else from the server is not an answer to the request: keep waiting.
      server_tid_ = server_port;
    }
    if (host_.stopping()) break;
  }
  return STATUS_TFTP_OPEN_TIMEOUT;
}

std::uint16_t PxeTftpClient::read(std::uint16_t& block, std::vector<std::uint8_t>& data) {
  if (!open_ || eof_) return STATUS_TFTP_CLOSED;
  std::uint16_t want = static_cast<std::uint16_t>(last_block_ + 1);
  if (first_data_) {
    data = std::move(*first_data_);
    first_data_.reset();
  } else {
    bool got = false;
    for (int i = 0; i < 4 && !got && !host_.stopping(); ++i) {
      if (i > 0) send_ack(last_block_);  // the server did not send on: say again where we are
      SimTime deadline = host_.now() + SimTime::from_s(kTimeouts[i]);
      while (auto d = ip_.wait_for(port_, server_, deadline)) {
        const std::vector<std::uint8_t>& p = d->payload;
        if (d->src_port != server_tid_ || p.size() < 4) continue;
        std::uint16_t op = be16(p, 0);
        if (op == kOpError) {
          open_ = false;
          return STATUS_TFTP_CANNOT_READ_FROM_CONNECTION;
        }
        if (op != kOpData) continue;
        if (be16(p, 2) == last_block_) {  // our ACK was lost: the server sent the block again
          send_ack(last_block_);
          continue;
        }
        if (be16(p, 2) != want) continue;
        data.assign(p.begin() + 4, p.end());
        got = true;
        break;
      }
    }
    if (!got) {
      open_ = false;
      return STATUS_TFTP_READ_TIMEOUT;
    }
  }
  if (data.size() > blksize_) {
    abort();
    return STATUS_TFTP_INVALID_PACKET_SIZE;
  }
  send_ack(want);
  last_block_ = want;
  block = want;
  if (data.size() < blksize_) eof_ = true;
  return STATUS_SUCCESS;
}

void PxeTftpClient::abort() {
  if (!open_ || eof_) return;
  static const char kMsg[] = "Transfer cancelled";
  std::vector<std::uint8_t> err = {0, kOpError, 0, 0};
  err.insert(err.end(), kMsg, kMsg + sizeof kMsg);
  send(std::move(err));
  open_ = false;
}

}  // namespace bootsim
