#include "firmware/pxe_rom.h"

#include <algorithm>
#include <cstring>

#include "firmware/memory_map.h"
#include "firmware/pci_config.h"
#include "firmware/pxe_api.h"
#include "nicmodels/nic.h"
#include "sim/cpu/cpu.h"

namespace bootsim {

using namespace pxe;

namespace pxe {
const char* opcode_name(std::uint16_t opcode) {
  switch (opcode) {
    case START_UNDI: return "START_UNDI";
    case UNDI_STARTUP: return "UNDI_STARTUP";
    case UNDI_CLEANUP: return "UNDI_CLEANUP";
    case UNDI_INITIALIZE: return "UNDI_INITIALIZE";
    case UNDI_RESET_ADAPTER: return "UNDI_RESET_ADAPTER";
    case UNDI_SHUTDOWN: return "UNDI_SHUTDOWN";
    case UNDI_OPEN: return "UNDI_OPEN";
    case UNDI_CLOSE: return "UNDI_CLOSE";
    case UNDI_TRANSMIT: return "UNDI_TRANSMIT";
    case UNDI_SET_MCAST_ADDRESS: return "UNDI_SET_MCAST_ADDRESS";
    case UNDI_SET_STATION_ADDRESS: return "UNDI_SET_STATION_ADDRESS";
    case UNDI_SET_PACKET_FILTER: return "UNDI_SET_PACKET_FILTER";
    case UNDI_GET_INFORMATION: return "UNDI_GET_INFORMATION";
    case UNDI_GET_STATISTICS: return "UNDI_GET_STATISTICS";
    case UNDI_CLEAR_STATISTICS: return "UNDI_CLEAR_STATISTICS";
    case UNDI_INITIATE_DIAGS: return "UNDI_INITIATE_DIAGS";
    case UNDI_FORCE_INTERRUPT: return "UNDI_FORCE_INTERRUPT";
    case UNDI_GET_MCAST_ADDRESS: return "UNDI_GET_MCAST_ADDRESS";
    case UNDI_GET_NIC_TYPE: return "UNDI_GET_NIC_TYPE";
    case UNDI_GET_IFACE_INFO: return "UNDI_GET_IFACE_INFO";
    case UNDI_ISR: return "UNDI_ISR";
    case STOP_UNDI: return "STOP_UNDI";
    case UNLOAD_STACK: return "UNLOAD_STACK";
    case GET_CACHED_INFO: return "GET_CACHED_INFO";
    case FILE_CMDLINE: return "FILE_CMDLINE";
    default: return nullptr;
  }
}
}  // namespace pxe

namespace {

std::uint8_t checksum_fix(const std::vector<std::uint8_t>& bytes) {
  std::uint8_t sum = 0;
  for (auto b : bytes) sum = static_cast<std::uint8_t>(sum + b);
  return static_cast<std::uint8_t>(-sum);
}

void put16(std::vector<std::uint8_t>& v, size_t at, std::uint16_t x) {
  v[at] = x & 0xFF;
  v[at + 1] = x >> 8;
}
void put32(std::vector<std::uint8_t>& v, size_t at, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) v[at + i] = (x >> (8 * i)) & 0xFF;
}

}  // namespace

// One table maps opcode to handler (STYLE.md §6); anything not here fails with UNSUPPORTED.
const PxeRom::Api PxeRom::kApi[] = {
    {START_UNDI, &PxeRom::start_undi},
    {UNDI_STARTUP, &PxeRom::undi_startup},
    {UNDI_CLEANUP, &PxeRom::undi_cleanup},
    {UNDI_INITIALIZE, &PxeRom::undi_initialize},
    {UNDI_RESET_ADAPTER, &PxeRom::undi_reset_adapter},
    {UNDI_SHUTDOWN, &PxeRom::undi_shutdown},
    {UNDI_OPEN, &PxeRom::undi_open},
    {UNDI_CLOSE, &PxeRom::undi_close},
    {UNDI_TRANSMIT, &PxeRom::undi_transmit},
    {UNDI_SET_MCAST_ADDRESS, &PxeRom::undi_accept},
    {UNDI_SET_STATION_ADDRESS, &PxeRom::undi_set_station_address},
    {UNDI_SET_PACKET_FILTER, &PxeRom::undi_accept},
    {UNDI_GET_INFORMATION, &PxeRom::undi_get_information},
    {UNDI_GET_STATISTICS, &PxeRom::undi_get_statistics},
    {UNDI_CLEAR_STATISTICS, &PxeRom::undi_accept},
    {UNDI_GET_NIC_TYPE, &PxeRom::undi_get_nic_type},
    {UNDI_GET_IFACE_INFO, &PxeRom::undi_get_iface_info},
    {UNDI_ISR, &PxeRom::undi_isr},
    {STOP_UNDI, &PxeRom::stop_undi},
    {UNLOAD_STACK, &PxeRom::unload_stack},
    {GET_CACHED_INFO, &PxeRom::get_cached_info},
    {FILE_CMDLINE, &PxeRom::file_cmdline},
};

void PxeRom::install() {
  using namespace layout;
  Cpu& cpu = host_.cpu();
  // Entry stubs: RETF. The host services the call in a code hook before the RETF runs.
  cpu.write8(Cpu::linear(kUndiCodeSeg, kPxeEntrySpOff), 0xCB);
  cpu.write8(Cpu::linear(kUndiCodeSeg, kPxenvEntryOff), 0xCB);

  // !PXE (pxe_api.h struct s_PXE), 0x58 bytes.
  std::vector<std::uint8_t> ppxe(0x58, 0);
  std::memcpy(ppxe.data(), "!PXE", 4);
  ppxe[4] = 0x58;
  put16(ppxe, 0x10, kPxeEntrySpOff);
  put16(ppxe, 0x12, kUndiCodeSeg);
  ppxe[0x1D] = 6;  // SegDescCnt
  auto segdesc = [&](size_t at, std::uint16_t seg, std::uint16_t size) {
    put16(ppxe, at, seg);
    put32(ppxe, at + 2, std::uint32_t{seg} << 4);
    put16(ppxe, at + 6, size);
  };
  segdesc(0x20, kEntryStackSeg, 0x0800);   // Stack
  segdesc(0x28, kUndiDataSeg, kUndiDataSize);
  segdesc(0x30, kUndiCodeSeg, kUndiCodeSize);
  segdesc(0x38, kUndiCodeSeg, kUndiCodeSize);
  segdesc(0x40, kBaseCodeSeg, 0x2000);     // BC_Data
  segdesc(0x48, kBaseCodeSeg + 0x200, 0x2000);
  segdesc(0x50, kBaseCodeSeg + 0x200, 0x2000);
  ppxe[5] = checksum_fix(ppxe);
  cpu.write(Cpu::linear(kUndiDataSeg, kPxeOff), ppxe.data(), ppxe.size());

  // PXENV+ (struct s_PXENV), version 2.1, 0x2C bytes, pointing at !PXE.
  std::vector<std::uint8_t> pxenv(0x2C, 0);
  std::memcpy(pxenv.data(), "PXENV+", 6);
  put16(pxenv, 0x06, 0x0201);
  pxenv[0x08] = 0x2C;
  put16(pxenv, 0x0A, kPxenvEntryOff);
  put16(pxenv, 0x0C, kUndiCodeSeg);
  put16(pxenv, 0x14, kEntryStackSeg);
  put16(pxenv, 0x16, 0x0800);
  put16(pxenv, 0x18, kBaseCodeSeg + 0x200);
  put16(pxenv, 0x1A, 0x2000);
  put16(pxenv, 0x1C, kBaseCodeSeg);
  put16(pxenv, 0x1E, 0x2000);
  put16(pxenv, 0x20, kUndiDataSeg);
  put16(pxenv, 0x22, kUndiDataSize);
  put16(pxenv, 0x24, kUndiCodeSeg);
  put16(pxenv, 0x26, kUndiCodeSize);
  put16(pxenv, 0x28, kPxeOff);
  put16(pxenv, 0x2A, kUndiDataSeg);
  pxenv[0x09] = checksum_fix(pxenv);
  cpu.write(Cpu::linear(kUndiDataSeg, kPxenvOff), pxenv.data(), pxenv.size());
}

void PxeRom::entry(bool stack_convention) {
  Cpu& cpu = host_.cpu();
  std::uint16_t opcode;
  std::uint32_t params;
  if (stack_convention) {
    // lcall pushed the return CS:IP; the caller's arguments follow: opcode, offset, segment.
    std::uint32_t sp = Cpu::linear(static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_SS)),
                                   static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_SP)));
    opcode = cpu.read16(sp + 4);
    params = Cpu::linear(cpu.read16(sp + 8), cpu.read16(sp + 6));
  } else {
    opcode = static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_BX));
    params = Cpu::linear(static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_ES)),
                         static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_DI)));
  }
  ++calls_;
  cpu.write16(params, STATUS_FAILURE);  // default answer: failure, until a handler says otherwise
  std::uint16_t status = STATUS_UNSUPPORTED;
  const Api* api = nullptr;
  for (const Api& a : kApi) {
    if (a.opcode == opcode) {
      api = &a;
      break;
    }
  }
  if (api) status = (this->*api->handler)(params);
  cpu.write16(params, status);
  std::uint16_t ax = status == STATUS_SUCCESS ? PXENV_EXIT_SUCCESS : PXENV_EXIT_FAILURE;
  cpu.set_reg(UC_X86_REG_AX, ax);
  if (!stack_convention) {
    std::uint32_t flags = cpu.reg(UC_X86_REG_EFLAGS);
    cpu.set_reg(UC_X86_REG_EFLAGS, ax ? (flags | 1) : (flags & ~1u));
  }
  // Empty ISR polls are the busy-wait of iPXE's idle loop: counted, not traced (DESIGN.md "Trace").
  if (opcode == UNDI_ISR && status == STATUS_SUCCESS && cpu.read16(params + 2) != ISR_OUT_RECEIVE) return;
  if (!api) {
    host_.trace(trace_kind::PxeCall{"unknown", opcode, status});
    return;
  }
  host_.trace(trace_kind::PxeCall{opcode_name(opcode), opcode, status});
}

std::uint16_t PxeRom::start_undi(std::uint32_t) { return STATUS_SUCCESS; }
std::uint16_t PxeRom::undi_startup(std::uint32_t) { return STATUS_SUCCESS; }
std::uint16_t PxeRom::undi_cleanup(std::uint32_t) { return STATUS_SUCCESS; }
std::uint16_t PxeRom::undi_accept(std::uint32_t) { return STATUS_SUCCESS; }
std::uint16_t PxeRom::undi_initialize(std::uint32_t) {
  host_.nic().initialize();
  return STATUS_SUCCESS;
}
std::uint16_t PxeRom::undi_reset_adapter(std::uint32_t) {
  host_.nic().reset_adapter();
  return STATUS_SUCCESS;
}
std::uint16_t PxeRom::undi_shutdown(std::uint32_t) {
  host_.nic().shutdown();
  return STATUS_SUCCESS;
}
std::uint16_t PxeRom::undi_open(std::uint32_t) {
  host_.nic().open();
  return STATUS_SUCCESS;
}
std::uint16_t PxeRom::undi_close(std::uint32_t) {
  host_.nic().close();
  return STATUS_SUCCESS;
}
std::uint16_t PxeRom::stop_undi(std::uint32_t) { return STATUS_SUCCESS; }

std::uint16_t PxeRom::undi_set_station_address(std::uint32_t p) {
  std::vector<std::uint8_t> mac(6);
  host_.cpu().read(p + 2, mac.data(), 6);
  station_mac_ = mac;
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_transmit(std::uint32_t p) {
  Cpu& cpu = host_.cpu();
  std::uint8_t protocol = cpu.read8(p + 2);
  std::uint8_t xmit_flag = cpu.read8(p + 3);
  std::uint32_t tbd = cpu.read_segoff(p + 8);
  std::uint16_t immed_len = cpu.read16(tbd);
  std::uint32_t immed = cpu.read_segoff(tbd + 2);
  std::uint16_t blocks = cpu.read16(tbd + 6);
  std::vector<std::uint8_t> payload(immed_len);
  cpu.read(immed, payload.data(), immed_len);
  for (std::uint16_t i = 0; i < blocks && i < 8; ++i) {
    std::uint32_t blk = tbd + 8 + i * 8u;
    std::uint8_t ptr_type = cpu.read8(blk);
    std::uint16_t len = cpu.read16(blk + 2);
    // TDPtrType 0 = seg:off, 1 = physical address.
    std::uint32_t addr = ptr_type == 0 ? cpu.read_segoff(blk + 4) : cpu.read32(blk + 4);
    size_t at = payload.size();
    payload.resize(at + len);
    cpu.read(addr, payload.data() + at, len);
  }
  std::vector<std::uint8_t> frame;
  if (protocol == P_UNKNOWN) {
    frame = std::move(payload);  // iPXE hands the whole frame, header included
  } else {
    // The ROM builds the Ethernet header for IP, ARP and RARP (contract §2.4).
    static const std::uint16_t ethertype[] = {0, 0x0800, 0x0806, 0x8035};
    if (protocol > P_RARP) return STATUS_UNDI_INVALID_PARAMETER;
    frame.resize(14);
    if (xmit_flag == 1) {
      std::fill(frame.begin(), frame.begin() + 6, 0xFF);
    } else {
      cpu.read(cpu.read_segoff(p + 4), frame.data(), 6);
    }
    const MacAddr& mac = host_.nic().mac();
    std::copy(mac.begin(), mac.end(), frame.begin() + 6);
    frame[12] = ethertype[protocol] >> 8;
    frame[13] = ethertype[protocol] & 0xFF;
    frame.insert(frame.end(), payload.begin(), payload.end());
  }
  if (frame.size() < 14 || frame.size() > 1514) return STATUS_UNDI_INVALID_PARAMETER;
  if (frame.size() < 60) frame.resize(60, 0);  // the MAC pads short frames
  ++tx_count_;
  host_.nic().transmit(std::move(frame));
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_get_information(std::uint32_t p) {
  Cpu& cpu = host_.cpu();
  std::vector<std::uint8_t> b(0x32, 0);
  put16(b, 0x04, 0);      // IntNumber 0: iPXE polls (contract §9.4)
  put16(b, 0x06, 1500);   // MaxTranUnit
  put16(b, 0x08, 1);      // HwType Ethernet
  put16(b, 0x0A, 6);      // HwAddrLen
  const MacAddr& mac = host_.nic().mac();
  std::copy(mac.begin(), mac.end(), b.begin() + 0x0C);
  std::copy(mac.begin(), mac.end(), b.begin() + 0x1C);
  put16(b, 0x2E, 8);      // RxBufCt
  put16(b, 0x30, 1);      // TxBufCt
  cpu.write(p + 2, b.data() + 2, b.size() - 2);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_get_statistics(std::uint32_t p) {
  Cpu& cpu = host_.cpu();
  cpu.write32(p + 2, static_cast<std::uint32_t>(tx_count_));
  cpu.write32(p + 6, static_cast<std::uint32_t>(rx_count_));
  cpu.write32(p + 10, 0);
  cpu.write32(p + 14, 0);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_get_nic_type(std::uint32_t p) {
  PciConfig pci(host_.nic().profile());
  std::vector<std::uint8_t> b(0x11, 0);
  b[2] = 2;  // PCI_NIC
  put16(b, 0x03, pci.vendor());
  put16(b, 0x05, pci.device());
  b[0x07] = 0x02;  // base class: network
  b[0x08] = 0x00;
  b[0x09] = 0x00;
  b[0x0A] = static_cast<std::uint8_t>(pci.read(PciConfig::kBusDevFn, 0x08, 1));
  put16(b, 0x0B, PciConfig::kBusDevFn);
  put16(b, 0x0D, static_cast<std::uint16_t>(pci.read(PciConfig::kBusDevFn, 0x2C, 2)));
  put16(b, 0x0F, static_cast<std::uint16_t>(pci.read(PciConfig::kBusDevFn, 0x2E, 2)));
  host_.cpu().write(p + 2, b.data() + 2, b.size() - 2);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_get_iface_info(std::uint32_t p) {
  std::vector<std::uint8_t> b(0x1E, 0);
  const char type[] = "DIX+802.3";
  std::memcpy(b.data() + 2, type, sizeof type);
  put32(b, 0x12, host_.nic().profile().link_speed_bps);
  // Broadcast, multicast, set-station-address, reset, open/close; no IRQ support flag: iPXE polls.
  put32(b, 0x16, 0x081B);
  host_.cpu().write(p + 2, b.data() + 2, b.size() - 2);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_isr(std::uint32_t p) {
  Cpu& cpu = host_.cpu();
  std::uint16_t func = cpu.read16(p + 2);
  ++isr_polls_;
  if (func == ISR_IN_START) {
    cpu.write16(p + 2, host_.nic().rx_pending() ? ISR_OUT_OURS : ISR_OUT_NOT_OURS);
    return STATUS_SUCCESS;
  }
  if (func != ISR_IN_PROCESS && func != ISR_IN_GET_NEXT) return STATUS_UNDI_INVALID_PARAMETER;
  auto frame = host_.nic().pop_rx();
  if (!frame) {
    cpu.write16(p + 2, ISR_OUT_DONE);
    if (func == ISR_IN_PROCESS) host_.idle_poll();
    return STATUS_SUCCESS;
  }
  const auto& bytes = frame->bytes;
  std::uint16_t len = static_cast<std::uint16_t>(std::min<size_t>(bytes.size(), 1514));
  std::uint32_t buf = Cpu::linear(layout::kUndiDataSeg, layout::kRxBufferOff);
  cpu.write(buf, bytes.data(), len);
  std::uint16_t ethertype = len >= 14 ? static_cast<std::uint16_t>(bytes[12] << 8 | bytes[13]) : 0;
  std::uint8_t prot = ethertype == 0x0800 ? P_IP : ethertype == 0x0806 ? P_ARP : ethertype == 0x8035 ? P_RARP : P_UNKNOWN;
  std::uint8_t pkt = P_DIRECTED;
  if (len >= 6 && bytes[0] == 0xFF && bytes[1] == 0xFF && bytes[2] == 0xFF) pkt = P_BROADCAST;
  else if (len >= 1 && (bytes[0] & 1)) pkt = P_MULTICAST;
  cpu.write16(p + 2, ISR_OUT_RECEIVE);
  cpu.write16(p + 4, len);     // BufferLength
  cpu.write16(p + 6, len);     // FrameLength
  cpu.write16(p + 8, 14);      // FrameHeaderLength
  cpu.write16(p + 0x0A, layout::kRxBufferOff);
  cpu.write16(p + 0x0C, layout::kUndiDataSeg);
  cpu.write8(p + 0x0E, prot);
  cpu.write8(p + 0x0F, pkt);
  ++rx_count_;
  host_.trace(trace_kind::FrameRx{len, to_hex(bytes.data(), len)});
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::unload_stack(std::uint32_t) {
  // The base code goes away; the NBP frees its memory. The UNDI segments and entry stay.
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::get_cached_info(std::uint32_t p) {
  Cpu& cpu = host_.cpu();
  std::uint16_t type = cpu.read16(p + 2);
  const std::vector<std::uint8_t>* pkt = nullptr;
  if (type == 1) pkt = &config_.cached_discover;
  else if (type == 2) pkt = &config_.cached_ack;
  else if (type == 3) pkt = config_.cached_reply.empty() ? &config_.cached_ack : &config_.cached_reply;
  if (!pkt || pkt->empty()) return STATUS_FAILURE;
  std::uint16_t size = cpu.read16(p + 4);
  std::uint16_t len = static_cast<std::uint16_t>(std::min<size_t>(pkt->size(), layout::kCachedPacketMax));
  if (size == 0) {
    // The caller wants a pointer to the ROM's own copy.
    std::uint32_t at = Cpu::linear(layout::kUndiDataSeg, layout::kCachedPacketOff);
    cpu.write(at, pkt->data(), len);
    cpu.write16(p + 4, len);
    cpu.write16(p + 6, layout::kCachedPacketOff);
    cpu.write16(p + 8, layout::kUndiDataSeg);
    cpu.write16(p + 0x0A, layout::kCachedPacketMax);
    return STATUS_SUCCESS;
  }
  // Copy into the caller's buffer (iPXE ignores any returned pointer: contract §2.1).
  std::uint16_t n = std::min(len, size);
  cpu.write(cpu.read_segoff(p + 6), pkt->data(), n);
  cpu.write16(p + 4, n);
  cpu.write16(p + 0x0A, size);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::file_cmdline(std::uint32_t p) {
  if (!config_.cmdline) return STATUS_UNSUPPORTED;
  Cpu& cpu = host_.cpu();
  std::uint16_t size = cpu.read16(p + 2);
  if (size == 0) return STATUS_FAILURE;
  std::string text = config_.cmdline->substr(0, size - 1u);
  cpu.write(cpu.read_segoff(p + 4), text.c_str(), text.size() + 1);
  cpu.write16(p + 2, static_cast<std::uint16_t>(text.size() + 1));
  return STATUS_SUCCESS;
}

}  // namespace bootsim
