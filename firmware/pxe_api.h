// PXE API constants: opcodes, status codes and the parameter-block layouts this ROM serves.
// Offsets are from iPXE arch/x86/include/pxe_api.h at commit 36a4c85 (ref/ipxe-platform-contract.md §2).
#pragma once

#include <cstdint>

namespace bootsim::pxe {

enum Opcode : std::uint16_t {
  START_UNDI = 0x0000,
  UNDI_STARTUP = 0x0001,
  UNDI_CLEANUP = 0x0002,
  UNDI_INITIALIZE = 0x0003,
  UNDI_RESET_ADAPTER = 0x0004,
  UNDI_SHUTDOWN = 0x0005,
  UNDI_OPEN = 0x0006,
  UNDI_CLOSE = 0x0007,
  UNDI_TRANSMIT = 0x0008,
  UNDI_SET_MCAST_ADDRESS = 0x0009,
  UNDI_SET_STATION_ADDRESS = 0x000A,
  UNDI_SET_PACKET_FILTER = 0x000B,
  UNDI_GET_INFORMATION = 0x000C,
  UNDI_GET_STATISTICS = 0x000D,
  UNDI_CLEAR_STATISTICS = 0x000E,
  UNDI_INITIATE_DIAGS = 0x000F,
  UNDI_FORCE_INTERRUPT = 0x0010,
  UNDI_GET_MCAST_ADDRESS = 0x0011,
  UNDI_GET_NIC_TYPE = 0x0012,
  UNDI_GET_IFACE_INFO = 0x0013,
  UNDI_ISR = 0x0014,
  STOP_UNDI = 0x0015,  // also UNDI_GET_STATE in the spec; iPXE only uses it as STOP_UNDI
  UNLOAD_STACK = 0x0070,
  GET_CACHED_INFO = 0x0071,
  FILE_CMDLINE = 0x00E8,  // iPXE extension
};

enum Status : std::uint16_t {
  STATUS_SUCCESS = 0x0000,
  STATUS_FAILURE = 0x0001,
  STATUS_BAD_FUNC = 0x0002,
  STATUS_UNSUPPORTED = 0x0003,
  STATUS_UNDI_INVALID_PARAMETER = 0x0069,
};

enum Exit : std::uint16_t { PXENV_EXIT_SUCCESS = 0, PXENV_EXIT_FAILURE = 1 };

// UNDI_ISR FuncFlag values (pxe_api.h PXENV_UNDI_ISR_IN_* / _OUT_*).
enum IsrFlag : std::uint16_t {
  ISR_IN_START = 1,
  ISR_IN_PROCESS = 2,
  ISR_IN_GET_NEXT = 3,
  ISR_OUT_OURS = 0,
  ISR_OUT_NOT_OURS = 1,
  ISR_OUT_DONE = 0,
  ISR_OUT_TRANSMIT = 2,
  ISR_OUT_RECEIVE = 3,
  ISR_OUT_BUSY = 4,
};

// UNDI_TRANSMIT Protocol values.
enum Protocol : std::uint8_t { P_UNKNOWN = 0, P_IP = 1, P_ARP = 2, P_RARP = 3 };

// UNDI_ISR PktType values.
enum PktType : std::uint8_t { P_DIRECTED = 0, P_BROADCAST = 1, P_MULTICAST = 2 };

/// The name used in traces ("UNDI_ISR"), or nullptr for an opcode this ROM does not know.
const char* opcode_name(std::uint16_t opcode);

}  // namespace bootsim::pxe
