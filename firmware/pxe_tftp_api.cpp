// The base code's TFTP service (PXE 2.1: TFTP_OPEN, TFTP_READ, TFTP_CLOSE, TFTP_GET_FSIZE,
// TFTP_READ_FILE), PxeRom's handlers for it, on the ROM's own client (pxe_tftp_client.h) and IP layer.
//
// These calls block as a ROM's do: virtual time passes inside the call (FirmwareHost::wait_for_event)
// until the server's packet is there or the retries ran out, and the trace shows the frames at the times
// they crossed the wire. One transfer can be open through TFTP_OPEN at a time; GET_FSIZE and READ_FILE
// run a transfer of their own from start to end.
#include <algorithm>
#include <cstring>

#include "firmware/memory_map.h"
#include "firmware/pxe_api.h"
#include "firmware/pxe_rom.h"
#include "sim/cpu/cpu.h"

namespace bootsim {

using namespace pxe;

namespace {

#define AT(block, field) (p + offsetof(block, field))

std::uint32_t read_ip(Cpu& cpu, std::uint32_t at) { return __builtin_bswap32(cpu.read32(at)); }

/// A FileName[128] field: up to its first NUL (a name filling all 128 bytes has none: the ROM stops there).
std::string read_name(Cpu& cpu, std::uint32_t at) {
  char buf[128];
  cpu.read(at, buf, sizeof buf);
  return std::string(buf, strnlen(buf, sizeof buf));
}

constexpr std::uint16_t kTftpPort = 69;
constexpr std::uint16_t kMinPacket = 512;
constexpr std::uint16_t kMaxPacket = 1432;  // the block size the boot phase asks for (pxe_base_code.cpp)

}  // namespace

std::uint16_t PxeRom::tftp_open(std::uint32_t p) {
  if (std::uint16_t s = base_code_state()) return s;
  if (tftp_) return STATUS_TFTP_OPEN;
  PxeIpStack* ip = ip_stack();
  if (!ip) return STATUS_TFTP_CANNOT_OPEN_CONNECTION;
  Cpu& cpu = host_.cpu();
  std::uint32_t server = read_ip(cpu, AT(TftpOpen, ServerIPAddress));
  std::uint32_t gw = read_ip(cpu, AT(TftpOpen, GatewayIPAddress));
  std::string file = read_name(cpu, AT(TftpOpen, FileName));
  std::uint16_t port = __builtin_bswap16(cpu.read16(AT(TftpOpen, TFTPPort)));
  std::uint16_t packet = cpu.read16(AT(TftpOpen, PacketSize));
  if (packet < kMinPacket) return STATUS_TFTP_INVALID_PACKET_SIZE;
  packet = std::min(packet, kMaxPacket);
  auto client = std::make_unique<PxeTftpClient>(host_, *ip, next_tftp_port());
  std::uint16_t status = client->open(server, gw, port ? port : kTftpPort, file,
                                      packet > kMinPacket ? packet : 0, false);
  if (status != STATUS_SUCCESS) return status;
  cpu.write16(AT(TftpOpen, PacketSize), client->blksize());  // the size the server agreed to
  tftp_ = std::move(client);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::tftp_read(std::uint32_t p) {
  if (std::uint16_t s = base_code_state()) return s;
  if (!tftp_) return STATUS_TFTP_CLOSED;
  Cpu& cpu = host_.cpu();
  std::uint16_t block = 0;
  std::vector<std::uint8_t> data;
  std::uint16_t status = tftp_->read(block, data);
  if (status != STATUS_SUCCESS) return status;
  cpu.write(cpu.read_segoff(AT(TftpRead, Buffer)), data.data(), data.size());
  cpu.write16(AT(TftpRead, PacketNumber), block);
  cpu.write16(AT(TftpRead, BufferSize), static_cast<std::uint16_t>(data.size()));
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::tftp_close(std::uint32_t) {
  if (std::uint16_t s = base_code_state()) return s;
  if (!tftp_) return STATUS_TFTP_CLOSED;
  tftp_->abort();  // before the last block the server is told to stop
  tftp_.reset();
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::tftp_get_fsize(std::uint32_t p) {
  if (std::uint16_t s = base_code_state()) return s;
  PxeIpStack* ip = ip_stack();
  if (!ip) return STATUS_TFTP_CANNOT_OPEN_CONNECTION;
  Cpu& cpu = host_.cpu();
  // The size comes from the tsize option of a read request that is then cancelled (RFC 2349).
  PxeTftpClient client(host_, *ip, next_tftp_port());
  std::uint16_t status = client.open(read_ip(cpu, AT(TftpGetFsize, ServerIPAddress)),
                                     read_ip(cpu, AT(TftpGetFsize, GatewayIPAddress)), kTftpPort,
                                     read_name(cpu, AT(TftpGetFsize, FileName)), 0, true);
  if (status != STATUS_SUCCESS) return status;
  client.abort();
  if (!client.tsize()) return STATUS_TFTP_NO_FILESIZE;
  cpu.write32(AT(TftpGetFsize, FileSize), *client.tsize());
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::download(std::uint32_t p, std::uint32_t addr, std::uint32_t max, std::uint32_t& size) {
  Cpu& cpu = host_.cpu();
  PxeIpStack* ip = ip_stack();
  if (!ip) return STATUS_TFTP_CANNOT_OPEN_CONNECTION;
  std::uint16_t port = __builtin_bswap16(cpu.read16(AT(TftpReadFile, TFTPSrvPort)));
  PxeTftpClient client(host_, *ip, next_tftp_port());
  std::uint16_t status = client.open(read_ip(cpu, AT(TftpReadFile, ServerIPAddress)),
                                     read_ip(cpu, AT(TftpReadFile, GatewayIPAddress)), port ? port : kTftpPort,
                                     read_name(cpu, AT(TftpReadFile, FileName)), kMaxPacket, true);
  if (status != STATUS_SUCCESS) return status;
  if (client.tsize() && *client.tsize() > max) {
    client.abort();
    return STATUS_OUT_OF_RESOURCES;
  }
  size = 0;
  while (!client.eof()) {
    std::uint16_t block = 0;
    std::vector<std::uint8_t> data;
    status = client.read(block, data);
    if (status != STATUS_SUCCESS) return status;
    if (data.size() > max - size) {
      client.abort();
      return STATUS_OUT_OF_RESOURCES;  // the file is larger than the caller's buffer
    }
    cpu.write(addr + size, data.data(), data.size());
    size += static_cast<std::uint32_t>(data.size());
  }
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::tftp_read_file(std::uint32_t p) {
  if (std::uint16_t s = base_code_state()) return s;
  Cpu& cpu = host_.cpu();
  std::uint32_t size = 0;
  std::uint16_t status = download(p, cpu.read32(AT(TftpReadFile, Buffer)), cpu.read32(AT(TftpReadFile, BufferSize)), size);
  if (status != STATUS_SUCCESS) return status;
  cpu.write32(AT(TftpReadFile, BufferSize), size);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::restart_tftp(std::uint32_t p) {
  // PXE 2.1, RESTART_TFTP: a new NBP is downloaded to 0000:7C00 and started as the ROM started the first one;
  // on success the call does not return. BufferSize is the ROM's own limit here: base memory below the
  // base code, as for the first NBP.
  if (std::uint16_t s = base_code_state()) return s;
  std::uint32_t size = 0;
  std::uint16_t status = download(p, Cpu::linear(layout::kNbpSeg, layout::kNbpOff), layout::kMaxNbpBytes, size);
  if (status != STATUS_SUCCESS) return status;
  std::string name = read_name(host_.cpu(), AT(TftpReadFile, FileName));
  host_.restart_nbp(name, size);
  return STATUS_SUCCESS;
}

}  // namespace bootsim
