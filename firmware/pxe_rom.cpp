#include "firmware/pxe_rom.h"

#include <algorithm>
#include <cstring>

#include "firmware/cached_ack.h"
#include "firmware/memory_map.h"
#include "firmware/pci_config.h"
#include "firmware/pxe_api.h"
#include "sim/cpu/cpu.h"
#include "sim/proto/dhcp_packet.h"

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
    case TFTP_OPEN: return "TFTP_OPEN";
    case TFTP_CLOSE: return "TFTP_CLOSE";
    case TFTP_READ: return "TFTP_READ";
    case TFTP_READ_FILE: return "TFTP_READ_FILE";
    case TFTP_GET_FSIZE: return "TFTP_GET_FSIZE";
    case UDP_OPEN: return "UDP_OPEN";
    case UDP_CLOSE: return "UDP_CLOSE";
    case UDP_READ: return "UDP_READ";
    case UDP_WRITE: return "UDP_WRITE";
    case GET_CACHED_INFO: return "GET_CACHED_INFO";
    case RESTART_TFTP: return "RESTART_TFTP";
    case STOP_BASE: return "STOP_BASE";
    case FILE_API_CHECK: return "FILE_API_CHECK";
    case FILE_CMDLINE: return "FILE_CMDLINE";
    default: return nullptr;
  }
}
}  // namespace pxe

namespace {

/// The byte that makes the structure's bytes sum to zero (its checksum field still zero).
std::uint8_t checksum_fix(const void* data, std::size_t size) {
  std::uint8_t sum = 0;
  for (std::size_t i = 0; i < size; ++i) sum = static_cast<std::uint8_t>(sum + static_cast<const std::uint8_t*>(data)[i]);
  return static_cast<std::uint8_t>(-sum);
}

/// Writes a reply block's fields after Status (which the dispatcher writes), up to `end` bytes.
template <typename Block>
void write_reply(Cpu& cpu, std::uint32_t p, const Block& b, std::size_t end = sizeof(Block)) {
  cpu.write(p + 2, reinterpret_cast<const std::uint8_t*>(&b) + 2, end - 2);
}

// The guest address of `field` in the parameter block of type `block` at linear address p.
#define AT(block, field) (p + offsetof(block, field))

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
    {TFTP_OPEN, &PxeRom::tftp_open},
    {TFTP_CLOSE, &PxeRom::tftp_close},
    {TFTP_READ, &PxeRom::tftp_read},
    {TFTP_READ_FILE, &PxeRom::tftp_read_file},
    {TFTP_GET_FSIZE, &PxeRom::tftp_get_fsize},
    {RESTART_TFTP, &PxeRom::restart_tftp},
    {UDP_OPEN, &PxeRom::udp_open},
    {UDP_CLOSE, &PxeRom::udp_close},
    {UDP_READ, &PxeRom::udp_read},
    {UDP_WRITE, &PxeRom::udp_write},
    {STOP_BASE, &PxeRom::stop_base},
    {FILE_API_CHECK, &PxeRom::file_api_check},
    {FILE_CMDLINE, &PxeRom::file_cmdline},
};

void PxeRom::install() {
  using namespace layout;
  Cpu& cpu = host_.cpu();
  // Entry stubs: RETF. The host services the call in a code hook before the RETF runs.
  cpu.write8(Cpu::linear(kUndiCodeSeg, kPxeEntrySpOff), 0xCB);
  cpu.write8(Cpu::linear(kUndiCodeSeg, kPxenvEntryOff), 0xCB);

  BangPxe ppxe{};
  std::memcpy(ppxe.Signature, "!PXE", 4);
  ppxe.StructLength = sizeof ppxe;
  ppxe.EntryPointSP = {kPxeEntrySpOff, kUndiCodeSeg};
  ppxe.SegDescCnt = 6;
  auto segdesc = [](std::uint16_t seg, std::uint16_t size) { return SegDesc{seg, std::uint32_t{seg} << 4, size}; };
  ppxe.Stack = segdesc(kEntryStackSeg, 0x0800);
  ppxe.UNDIData = segdesc(kUndiDataSeg, kUndiDataSize);
  ppxe.UNDICode = segdesc(kUndiCodeSeg, kUndiCodeSize);
  ppxe.UNDICodeWrite = segdesc(kUndiCodeSeg, kUndiCodeSize);
  ppxe.BC_Data = segdesc(kBaseCodeSeg, 0x2000);
  ppxe.BC_Code = segdesc(kBaseCodeSeg + 0x200, 0x2000);
  ppxe.BC_CodeWrite = segdesc(kBaseCodeSeg + 0x200, 0x2000);
  ppxe.StructCksum = checksum_fix(&ppxe, sizeof ppxe);
  cpu.write(Cpu::linear(kUndiDataSeg, kPxeOff), &ppxe, sizeof ppxe);

  // PXENV+, version 2.1, pointing at !PXE.
  Pxenv pxenv{};
  std::memcpy(pxenv.Signature, "PXENV+", 6);
  pxenv.Version = 0x0201;
  pxenv.Length = sizeof pxenv;
  pxenv.RMEntry = {kPxenvEntryOff, kUndiCodeSeg};
  pxenv.StackSeg = kEntryStackSeg;
  pxenv.StackSize = 0x0800;
  pxenv.BC_CodeSeg = kBaseCodeSeg + 0x200;
  pxenv.BC_CodeSize = 0x2000;
  pxenv.BC_DataSeg = kBaseCodeSeg;
  pxenv.BC_DataSize = 0x2000;
  pxenv.UNDIDataSeg = kUndiDataSeg;
  pxenv.UNDIDataSize = kUndiDataSize;
  pxenv.UNDICodeSeg = kUndiCodeSeg;
  pxenv.UNDICodeSize = kUndiCodeSize;
  pxenv.PXEPtr = {kPxeOff, kUndiDataSeg};
  pxenv.Checksum = checksum_fix(&pxenv, sizeof pxenv);
  cpu.write(Cpu::linear(kUndiDataSeg, kPxenvOff), &pxenv, sizeof pxenv);
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
  empty_udp_read_ = false;
  cpu.write16(params, STATUS_FAILURE);  // default answer: failure, until a handler says otherwise
  std::uint16_t status = STATUS_UNSUPPORTED;
  const Api* api = nullptr;
  for (const Api& a : kApi) {
    if (a.opcode == opcode) {
      api = &a;
      break;
    }
  }
  if (api && undi_stopped_ && opcode != STOP_UNDI) {
    status = STATUS_UNDI_INVALID_STATE;  // the whole PXE stack was unloaded: nothing answers any more
  } else if (api) {
    status = (this->*api->handler)(params);
  }
  cpu.write16(params, status);
  std::uint16_t ax = status == STATUS_SUCCESS ? PXENV_EXIT_SUCCESS : PXENV_EXIT_FAILURE;
  cpu.set_reg(UC_X86_REG_AX, ax);
  if (!stack_convention) {
    std::uint32_t flags = cpu.reg(UC_X86_REG_EFLAGS);
    cpu.set_reg(UC_X86_REG_EFLAGS, ax ? (flags | 1) : (flags & ~1u));
  }
  // Empty ISR polls are the busy-wait of iPXE's idle loop: counted, not traced (DESIGN.md "Trace").
  if (opcode == UNDI_ISR && status == STATUS_SUCCESS && cpu.read16(params + offsetof(UndiIsr, FuncFlag)) != ISR_OUT_RECEIVE)
    return;
  // So are empty UDP_READs, PXELINUX's way of waiting for a packet (its timeouts count timer ticks).
  if (opcode == UDP_READ && empty_udp_read_) return;
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
std::uint16_t PxeRom::stop_undi(std::uint32_t) {
  // PXE 2.1, STOP_UNDI: the UNDI code and data go away; after this nothing in the ROM answers.
  if (undi_stopped_) return STATUS_UNDI_INVALID_STATE;
  undi_stopped_ = true;
  base_stopped_ = true;
  tftp_.reset();
  udp_open_ = false;
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_set_station_address(std::uint32_t p) {
  std::vector<std::uint8_t> mac(6);
  host_.cpu().read(AT(UndiSetStationAddress, StationAddress), mac.data(), 6);
  station_mac_ = mac;
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_transmit(std::uint32_t p) {
  Cpu& cpu = host_.cpu();
  std::uint8_t protocol = cpu.read8(AT(UndiTransmit, Protocol));
  std::uint8_t xmit_flag = cpu.read8(AT(UndiTransmit, XmitFlag));
  std::uint32_t tbd = cpu.read_segoff(AT(UndiTransmit, TBD));
  std::uint16_t immed_len = cpu.read16(tbd + offsetof(UndiTbd, ImmedLength));
  std::uint32_t immed = cpu.read_segoff(tbd + offsetof(UndiTbd, Xmit));
  std::uint16_t blocks = cpu.read16(tbd + offsetof(UndiTbd, DataBlkCount));
  std::vector<std::uint8_t> payload(immed_len);
  cpu.read(immed, payload.data(), immed_len);
  using DataBlk = UndiTbd::DataBlk;
  for (std::uint16_t i = 0; i < blocks && i < 8; ++i) {
    std::uint32_t blk = static_cast<std::uint32_t>(tbd + offsetof(UndiTbd, DataBlock) + i * sizeof(DataBlk));
    std::uint8_t ptr_type = cpu.read8(blk + offsetof(DataBlk, TDPtrType));
    std::uint16_t len = cpu.read16(blk + offsetof(DataBlk, TDDataLen));
    // TDPtrType 0 = seg:off, 1 = physical address.
    std::uint32_t ptr = blk + offsetof(DataBlk, TDDataPtr);
    std::uint32_t addr = ptr_type == 0 ? cpu.read_segoff(ptr) : cpu.read32(ptr);
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
      cpu.read(cpu.read_segoff(AT(UndiTransmit, DestAddr)), frame.data(), 6);
    }
    const Mac& mac = host_.nic().mac();
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
  UndiGetInformation b{};
  // The NIC's IRQ, or 0: then iPXE polls (contract §9.4, ref/undi-interrupts.md).
  b.IntNumber = host_.nic().profile().irq;
  b.MaxTranUnit = 1500;
  b.HwType = 1;     // Ethernet
  b.HwAddrLen = 6;
  const Mac& mac = host_.nic().mac();
  std::copy(mac.begin(), mac.end(), b.CurrentNodeAddress);
  std::copy(mac.begin(), mac.end(), b.PermNodeAddress);
  b.RxBufCt = 8;
  b.TxBufCt = 1;
  write_reply(host_.cpu(), p, b);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_get_statistics(std::uint32_t p) {
  UndiGetStatistics b{};
  b.XmtGoodFrames = static_cast<std::uint32_t>(tx_count_);
  b.RcvGoodFrames = static_cast<std::uint32_t>(rx_count_);
  write_reply(host_.cpu(), p, b);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_get_nic_type(std::uint32_t p) {
  PciConfig pci(host_.nic().profile());
  UndiGetNicType b{};
  b.NicType = 2;  // PCI_NIC
  b.Vendor_ID = pci.vendor();
  b.Dev_ID = pci.device();
  b.Base_Class = 0x02;  // network
  b.Rev = static_cast<std::uint8_t>(pci.read(PciConfig::kBusDevFn, 0x08, 1));
  b.BusDevFunc = PciConfig::kBusDevFn;
  b.SubVendor_ID = static_cast<std::uint16_t>(pci.read(PciConfig::kBusDevFn, 0x2C, 2));
  b.SubDevice_ID = static_cast<std::uint16_t>(pci.read(PciConfig::kBusDevFn, 0x2E, 2));
  write_reply(host_.cpu(), p, b);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_get_iface_info(std::uint32_t p) {
  UndiGetIfaceInfo b{};
  const char type[] = "DIX+802.3";
  std::memcpy(b.IfaceType, type, sizeof type);
  b.LinkSpeed = host_.nic().profile().link_speed_bps;
  // Broadcast, multicast, promiscuous, set-station-address, open/close, and SUPPORTED_IRQ (1000h) when
  // the NIC is wired to an IRQ: with both this flag and a non-zero IntNumber iPXE waits for interrupts.
  b.ServiceFlags = 0x081B;
  if (host_.nic().profile().irq) b.ServiceFlags |= 0x1000;
  // Up to and including Reserved[0] (zero), as this ROM always wrote it; the rest stays the caller's.
  write_reply(host_.cpu(), p, b, offsetof(UndiGetIfaceInfo, Reserved) + sizeof b.Reserved[0]);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::undi_isr(std::uint32_t p) {
  Cpu& cpu = host_.cpu();
  std::uint16_t func = cpu.read16(AT(UndiIsr, FuncFlag));
  ++isr_polls_;
  UndiNic& nic = host_.nic();
  if (func == ISR_IN_START) {
    // PXE 2.1: called from the NBP's interrupt handler; says whether the interrupt is the NIC's, and if
    // so disables the NIC's interrupts until PROCESS/GET_NEXT have run to OUT_DONE. The NBP sends the
    // EOI. A NIC without an IRQ has nothing to disable: "ours" when a frame waits, as before.
    bool ours = nic.profile().irq ? nic.irq_asserted() : nic.rx_pending();
    if (ours) nic.set_interrupt_enabled(false);
    cpu.write16(AT(UndiIsr, FuncFlag), ours ? ISR_OUT_OURS : ISR_OUT_NOT_OURS);
    return STATUS_SUCCESS;
  }
  if (func != ISR_IN_PROCESS && func != ISR_IN_GET_NEXT) return STATUS_UNDI_INVALID_PARAMETER;
  auto frame = nic.receive();
  if (!frame) {
    // Processing is complete: the NIC may interrupt again (a frame arriving later raises the line anew).
    nic.set_interrupt_enabled(true);
    cpu.write16(AT(UndiIsr, FuncFlag), ISR_OUT_DONE);
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
  cpu.write16(AT(UndiIsr, FuncFlag), ISR_OUT_RECEIVE);
  cpu.write16(AT(UndiIsr, BufferLength), len);
  cpu.write16(AT(UndiIsr, FrameLength), len);
  cpu.write16(AT(UndiIsr, FrameHeaderLength), 14);
  cpu.write16(AT(UndiIsr, Frame.offset), layout::kRxBufferOff);
  cpu.write16(AT(UndiIsr, Frame.segment), layout::kUndiDataSeg);
  cpu.write8(AT(UndiIsr, ProtType), prot);
  cpu.write8(AT(UndiIsr, PktType), pkt);
  ++rx_count_;
  return STATUS_SUCCESS;
}

void PxeRom::start_base_code(Scheduler& sched, std::uint64_t seed, std::size_t max_nbp_bytes) {
  base_ = std::make_unique<PxeBaseCode>(host_, sched, seed, max_nbp_bytes);
  if (config_.client_uuid) base_->set_client_uuid(*config_.client_uuid);
  base_->start();
}

bool PxeRom::poll_base_code() {
  while (!base_->done()) {
    auto f = host_.nic().receive();
    if (!f) break;
    base_->receive(*f);
  }
  if (!base_->done()) return false;
  const PxeBaseCode::Result& r = base_->result();
  if (r.ok) {
    config_.cached_discover = r.discover;
    config_.cached_ack = r.ack;
    config_.cached_reply = r.proxy_ack;
    boot_server_ip_ = r.server_ip;
    boot_server_mac_ = r.server_mac;
  }
  return true;
}

std::uint16_t PxeRom::unload_stack(std::uint32_t) {
  // The base code goes away (its TFTP/UDP services and cached packets); the NBP frees its memory. The
  // UNDI segments and entry stay (PXE 2.1, UNLOAD_STACK).
  base_stopped_ = true;
  tftp_.reset();
  udp_open_ = false;
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::stop_base(std::uint32_t) {
  // PXE 2.1, STOP_BASE: the base code stops serving; UNDI stays. START_BASE is not modelled: nothing
  // brings it back.
  base_stopped_ = true;
  tftp_.reset();
  udp_open_ = false;
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::base_code_state() const { return base_stopped_ ? STATUS_FAILURE : STATUS_SUCCESS; }

PxeIpStack* PxeRom::ip_stack() {
  if (!ip_) {
    auto ack = DhcpPacket::decode(config_.cached_ack.data(), config_.cached_ack.size(), nullptr);
    if (!ack || !ack->yiaddr) return nullptr;
    auto opt_ip = [&](std::uint8_t code) -> std::uint32_t {
      const DhcpOption* o = ack->find(code);
      if (!o || o->data.size() < 4) return 0;
      return std::uint32_t{o->data[0]} << 24 | o->data[1] << 16 | o->data[2] << 8 | o->data[3];
    };
    // A run given an ACK instead of the ROM's own boot phase (no base_) starts the NBP as if that phase
    // had run, and the phase leaves the NIC open for the base code: open it on first use.
    if (!base_) host_.nic().open();
    ip_ = std::make_unique<PxeIpStack>(host_);
    std::uint32_t mask = opt_ip(1);
    ip_->configure(ack->yiaddr, mask, opt_ip(3));
    // The boot phase's ARP entry for its boot server (on the LAN; off it, the MAC was the router's).
    if (boot_server_ip_ && (!mask || (boot_server_ip_ & mask) == (ack->yiaddr & mask)))
      ip_->learn(boot_server_ip_, boot_server_mac_);
  }
  return ip_.get();
}

std::uint16_t PxeRom::next_tftp_port() {
  // Each transfer gets its own TID (RFC 1350 §4); the ROM's choice, from a fixed range.
  tftp_port_ = static_cast<std::uint16_t>(tftp_port_ >= 3999 || tftp_port_ < 3100 ? 3100 : tftp_port_ + 1);
  return tftp_port_;
}

std::uint16_t PxeRom::get_cached_info(std::uint32_t p) {
  if (base_stopped_) return STATUS_FAILURE;  // the cached packets lived in the base code's memory
  Cpu& cpu = host_.cpu();
  std::uint16_t type = cpu.read16(AT(GetCachedInfo, PacketType));
  const std::vector<std::uint8_t>* pkt = nullptr;
  if (type == 1 && config_.cached_discover.empty() && !config_.cached_ack.empty()) {
    // Given an ACK instead of the ROM's own DHCP: the DISCOVER it would have sent for that ACK.
    if (auto ack = DhcpPacket::decode(config_.cached_ack.data(), config_.cached_ack.size(), nullptr)) {
      Mac mac;
      std::copy(ack->chaddr.begin(), ack->chaddr.begin() + 6, mac.begin());
      config_.cached_discover = build_cached_discover(mac, ack->xid);
    }
  }
  if (type == 1) pkt = &config_.cached_discover;
  else if (type == 2) pkt = &config_.cached_ack;
  else if (type == 3) pkt = config_.cached_reply.empty() ? &config_.cached_ack : &config_.cached_reply;
  if (!pkt || pkt->empty()) return STATUS_FAILURE;
  std::uint16_t size = cpu.read16(AT(GetCachedInfo, BufferSize));
  std::uint16_t len = static_cast<std::uint16_t>(std::min<size_t>(pkt->size(), layout::kCachedPacketMax));
  if (size == 0) {
    // The caller wants a pointer to the ROM's own copy: one buffer per packet type.
    // The ACK keeps the first buffer (where it was before the ROM kept all three), then DISCOVER, reply.
    static const std::uint16_t kSlot[] = {0, 1, 0, 2};
    std::uint16_t off = static_cast<std::uint16_t>(layout::kCachedPacketOff + kSlot[type] * layout::kCachedPacketMax);
    std::uint32_t at = Cpu::linear(layout::kUndiDataSeg, off);
    cpu.write(at, pkt->data(), len);
    cpu.write16(AT(GetCachedInfo, BufferSize), len);
    cpu.write16(AT(GetCachedInfo, Buffer.offset), off);
    cpu.write16(AT(GetCachedInfo, Buffer.segment), layout::kUndiDataSeg);
    cpu.write16(AT(GetCachedInfo, BufferLimit), layout::kCachedPacketMax);
    return STATUS_SUCCESS;
  }
  // Copy into the caller's buffer (iPXE ignores any returned pointer: contract §2.1).
  std::uint16_t n = std::min(len, size);
  cpu.write(cpu.read_segoff(AT(GetCachedInfo, Buffer)), pkt->data(), n);
  cpu.write16(AT(GetCachedInfo, BufferSize), n);
  cpu.write16(AT(GetCachedInfo, BufferLimit), size);
  return STATUS_SUCCESS;
}

std::uint16_t PxeRom::file_api_check(std::uint32_t) {
  // gPXE/iPXE's probe for their file API (PXELINUX sends it to find an iPXE underneath). A vendor ROM
  // does not know the opcode and fails it; the caller then sees no magic and uses TFTP/UDP.
  return STATUS_UNSUPPORTED;
}

std::uint16_t PxeRom::file_cmdline(std::uint32_t p) {
  if (observe_) observe_("machine/cmdline");
  // FNV-1a over "asked" and whether there was a command line to give, not its text: a guest branches on
  // the first, while the text is only copied (to where the stretch may not look: stretch_shelf.h).
  auto mix = [this](std::uint8_t b) { cmdline_answers_ = (cmdline_answers_ ^ b) * 0x100000001B3ull; };
  if (cmdline_answers_ == 0) cmdline_answers_ = 0xCBF29CE484222325ull;
  mix(config_.cmdline ? 1 : 0);
  if (!config_.cmdline) return STATUS_UNSUPPORTED;
  Cpu& cpu = host_.cpu();
  std::uint16_t size = cpu.read16(AT(FileCmdline, BufferSize));
  if (size == 0) return STATUS_FAILURE;
  std::string text = config_.cmdline->substr(0, size - 1u);
  cpu.write(cpu.read_segoff(AT(FileCmdline, Buffer)), text.c_str(), text.size() + 1);
  cpu.write16(AT(FileCmdline, BufferSize), static_cast<std::uint16_t>(text.size() + 1));
  return STATUS_SUCCESS;
}

}  // namespace bootsim
