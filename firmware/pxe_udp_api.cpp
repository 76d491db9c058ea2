// The base code's UDP service (PXE 2.1: UDP_OPEN, UDP_CLOSE, UDP_READ, UDP_WRITE), PxeRom's
// handlers for it. PXELINUX's whole network stack is this API (syslinux core/legacynet/core.c).
//
// UDP_READ does not block: it returns the oldest datagram the ROM received for the station address, or
// fails with PXENV_STATUS_FAILURE when there is none, and the caller polls (counting its timeouts in
// timer ticks). A datagram that does not pass the call's filter (dest_ip, d_port when non-zero) is
// dropped, as iPXE's ROM does (pxe_udp.c) — the queue is not searched.
#include <algorithm>

#include "firmware/pxe_api.h"
#include "firmware/pxe_rom.h"
#include "sim/cpu/cpu.h"

namespace bootsim {

using namespace pxe;

namespace {

#define AT(block, field) (p + offsetof(block, field))

// IP4_t and UDP_PORT_t are stored in network byte order.
std::uint32_t read_ip(Cpu& cpu, std::uint32_t at) { return __builtin_bswap32(cpu.read32(at)); }
std::uint16_t read_port(Cpu& cpu, std::uint32_t at) { return __builtin_bswap16(cpu.read16(at)); }
void write_ip(Cpu& cpu, std::uint32_t at, std::uint32_t ip) { cpu.write32(at, __builtin_bswap32(ip)); }
void write_port(Cpu& cpu, std::uint32_t at, std::uint16_t port) { cpu.write16(at, __builtin_bswap16(port)); }

constexpr std::uint16_t kDefaultSrcPort = 2069;  // PXE 2.1, UDP_WRITE: src_port 0 means 2069
constexpr std::uint16_t kMaxPayload = 1472;      // one Ethernet frame, no fragmentation

}  // namespace

std::uint16_t PxeRom::udp_open(std::uint32_t p) {
  if (std::uint16_t s = base_code_state()) return s;
  if (udp_open_) return STATUS_UDP_OPEN;
  PxeIpStack* ip = ip_stack();
  if (!ip) return STATUS_FAILURE;  // no ACK, no address
  std::uint32_t src = read_ip(host_.cpu(), AT(UdpOpen, src_ip));
  // A non-zero src_ip replaces the station address the DHCP ACK gave (PXE 2.1, UDP_OPEN).
  if (src && src != ip->ip()) ip->configure(src, 0, ip->gateway());
  udp_open_ = true;
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::udp_close(std::uint32_t) {
  if (std::uint16_t s = base_code_state()) return s;
  if (!udp_open_) return STATUS_UDP_CLOSED;
  udp_open_ = false;
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::udp_read(std::uint32_t p) {
  if (std::uint16_t s = base_code_state()) return s;
  if (!udp_open_) return STATUS_UDP_CLOSED;
  Cpu& cpu = host_.cpu();
  auto d = ip_->take();
  if (!d) {
    host_.idle_poll();  // nothing arrived: the caller is waiting, as with an empty UNDI_ISR
    empty_udp_read_ = true;
    return STATUS_FAILURE;
  }
  std::uint32_t want_ip = read_ip(cpu, AT(UdpRead, dest_ip));
  std::uint16_t want_port = read_port(cpu, AT(UdpRead, d_port));
  if ((want_ip && want_ip != d->dst_ip) || (want_port && want_port != d->dst_port)) return STATUS_FAILURE;
  std::uint16_t size = cpu.read16(AT(UdpRead, buffer_size));
  std::uint16_t n = static_cast<std::uint16_t>(std::min<std::size_t>(size, d->payload.size()));
  cpu.write(cpu.read_segoff(AT(UdpRead, buffer)), d->payload.data(), n);
  write_ip(cpu, AT(UdpRead, src_ip), d->src_ip);
  write_ip(cpu, AT(UdpRead, dest_ip), d->dst_ip);
  write_port(cpu, AT(UdpRead, s_port), d->src_port);
  write_port(cpu, AT(UdpRead, d_port), d->dst_port);
  cpu.write16(AT(UdpRead, buffer_size), n);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::udp_write(std::uint32_t p) {
  if (std::uint16_t s = base_code_state()) return s;
  if (!udp_open_) return STATUS_UDP_CLOSED;
  Cpu& cpu = host_.cpu();
  std::uint32_t dst = read_ip(cpu, AT(UdpWrite, ip));
  std::uint32_t gw = read_ip(cpu, AT(UdpWrite, gw));
  std::uint16_t src_port = read_port(cpu, AT(UdpWrite, src_port));
  std::uint16_t dst_port = read_port(cpu, AT(UdpWrite, dst_port));
  std::uint16_t size = cpu.read16(AT(UdpWrite, buffer_size));
  if (size > kMaxPayload || !dst || !dst_port) return STATUS_UNDI_INVALID_PARAMETER;
  std::vector<std::uint8_t> payload(size);
  cpu.read(cpu.read_segoff(AT(UdpWrite, buffer)), payload.data(), size);
  if (!ip_->send(dst, gw, src_port ? src_port : kDefaultSrcPort, dst_port, std::move(payload)))
    return STATUS_ARP_TIMEOUT;
  return STATUS_SUCCESS;
}

}  // namespace bootsim
