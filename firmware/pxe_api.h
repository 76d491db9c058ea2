// PXE API constants: opcodes, status codes and the parameter-block layouts this ROM serves.
// Layouts are the PXE 2.1 spec's (§3, §4.4), as iPXE declares them in arch/x86/include/pxe_api.h at
// commit 36a4c85 (ref/ipxe-platform-contract.md §2): packed, little-endian, every size and offset checked
// below. The ROM reads and writes guest memory field by field at these offsets (offsetof), so a block
// near the end of memory is touched only where the call needs it.
#pragma once

#include <cstddef>
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
  // The base code's TFTP and UDP services.
  TFTP_OPEN = 0x0020,
  TFTP_CLOSE = 0x0021,
  TFTP_READ = 0x0022,
  TFTP_READ_FILE = 0x0023,
  TFTP_GET_FSIZE = 0x0025,
  UDP_OPEN = 0x0030,
  UDP_CLOSE = 0x0031,
  UDP_READ = 0x0032,
  UDP_WRITE = 0x0033,
  // The base code's management calls.
  UNLOAD_STACK = 0x0070,
  GET_CACHED_INFO = 0x0071,
  RESTART_TFTP = 0x0073,
  STOP_BASE = 0x0076,
  // gPXE/iPXE extensions: a vendor ROM has none of them.
  FILE_API_CHECK = 0x00E6,
  FILE_CMDLINE = 0x00E8,
};

enum Status : std::uint16_t {
  STATUS_SUCCESS = 0x0000,
  STATUS_FAILURE = 0x0001,
  STATUS_BAD_FUNC = 0x0002,
  STATUS_UNSUPPORTED = 0x0003,
  STATUS_OUT_OF_RESOURCES = 0x0006,
  STATUS_UDP_CLOSED = 0x0018,      // a UDP call before UDP_OPEN (or after UDP_CLOSE)
  STATUS_UDP_OPEN = 0x0019,        // UDP_OPEN while already open
  STATUS_TFTP_CLOSED = 0x001A,     // TFTP_READ/CLOSE with no TFTP_OPEN
  STATUS_TFTP_OPEN = 0x001B,       // TFTP_OPEN while a transfer is open
  STATUS_ARP_TIMEOUT = 0x0011,
  STATUS_TFTP_CANNOT_ARP_ADDRESS = 0x0030,
  STATUS_TFTP_OPEN_TIMEOUT = 0x0032,
  STATUS_TFTP_UNKNOWN_OPCODE = 0x0033,
  STATUS_TFTP_READ_TIMEOUT = 0x0035,
  STATUS_TFTP_ERROR_OPCODE = 0x0036,
  STATUS_TFTP_CANNOT_OPEN_CONNECTION = 0x0038,
  STATUS_TFTP_CANNOT_READ_FROM_CONNECTION = 0x0039,
  STATUS_TFTP_TOO_MANY_PACKAGES = 0x003A,
  STATUS_TFTP_FILE_NOT_FOUND = 0x003B,
  STATUS_TFTP_ACCESS_VIOLATION = 0x003C,
  STATUS_TFTP_NO_MCAST_ADDRESS = 0x003D,
  STATUS_TFTP_NO_FILESIZE = 0x003E,
  STATUS_TFTP_INVALID_PACKET_SIZE = 0x003F,
  STATUS_UNDI_INVALID_PARAMETER = 0x0069,
  STATUS_UNDI_INVALID_STATE = 0x006A,
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

// ---------------------------------------------------------------------------------------------------
// Parameter blocks and ROM structures (field names as in the spec).

#pragma pack(push, 1)

/// SEGOFF16: a real-mode far pointer, offset first.
struct SegOff16 {
  std::uint16_t offset, segment;
};
/// SEGDESC: one segment of the !PXE structure.
struct SegDesc {
  std::uint16_t segment_address;
  std::uint32_t physical_address;
  std::uint16_t seg_size;
};

/// PXENV+ (spec §4.4.2), version 2.1.
struct Pxenv {
  char Signature[6];  // "PXENV+"
  std::uint16_t Version;
  std::uint8_t Length, Checksum;
  SegOff16 RMEntry;
  std::uint32_t PMOffset;
  std::uint16_t PMSelector, StackSeg, StackSize, BC_CodeSeg, BC_CodeSize, BC_DataSeg, BC_DataSize, UNDIDataSeg,
      UNDIDataSize, UNDICodeSeg, UNDICodeSize;
  SegOff16 PXEPtr;
};
/// !PXE (spec §4.4.3).
struct BangPxe {
  char Signature[4];  // "!PXE"
  std::uint8_t StructLength, StructCksum, StructRev, reserved_1;
  SegOff16 UNDIROMID, BaseROMID, EntryPointSP, EntryPointESP, StatusCallout;
  std::uint8_t reserved_2, SegDescCnt;
  std::uint16_t FirstSelector;
  SegDesc Stack, UNDIData, UNDICode, UNDICodeWrite, BC_Data, BC_Code, BC_CodeWrite;
};

struct GetCachedInfo {  // PXENV_GET_CACHED_INFO
  std::uint16_t Status, PacketType, BufferSize;
  SegOff16 Buffer;
  std::uint16_t BufferLimit;
};
struct UndiTransmit {  // PXENV_UNDI_TRANSMIT
  std::uint16_t Status;
  std::uint8_t Protocol, XmitFlag;
  SegOff16 DestAddr, TBD;
  std::uint32_t Reserved[2];
};
struct UndiTbd {  // s_PXENV_UNDI_TBD, the transmit buffer descriptor TBD points at
  std::uint16_t ImmedLength;
  SegOff16 Xmit;
  std::uint16_t DataBlkCount;
  struct DataBlk {
    std::uint8_t TDPtrType;  // 0: TDDataPtr is SEGOFF16, 1: a 32-bit physical address
    std::uint8_t TDRsvdByte;
    std::uint16_t TDDataLen;
    SegOff16 TDDataPtr;
  } DataBlock[8];
};
struct UndiSetStationAddress {  // PXENV_UNDI_SET_STATION_ADDRESS
  std::uint16_t Status;
  std::uint8_t StationAddress[16];
};
struct UndiGetInformation {  // PXENV_UNDI_GET_INFORMATION
  std::uint16_t Status, BaseIo, IntNumber, MaxTranUnit, HwType, HwAddrLen;
  std::uint8_t CurrentNodeAddress[16], PermNodeAddress[16];
  std::uint16_t ROMAddress, RxBufCt, TxBufCt;
};
struct UndiGetStatistics {  // PXENV_UNDI_GET_STATISTICS
  std::uint16_t Status;
  std::uint32_t XmtGoodFrames, RcvGoodFrames, RcvCRCErrors, RcvResourceErrors;
};
struct UndiGetNicType {  // PXENV_UNDI_GET_NIC_TYPE, PCI variant of the union
  std::uint16_t Status;
  std::uint8_t NicType;  // 2: PCI_NIC
  std::uint16_t Vendor_ID, Dev_ID;
  std::uint8_t Base_Class, Sub_Class, Prog_Intf, Rev;
  std::uint16_t BusDevFunc, SubVendor_ID, SubDevice_ID;
};
struct UndiGetIfaceInfo {  // PXENV_UNDI_GET_IFACE_INFO
  std::uint16_t Status;
  char IfaceType[16];
  std::uint32_t LinkSpeed, ServiceFlags, Reserved[4];
};
struct UndiIsr {  // PXENV_UNDI_ISR
  std::uint16_t Status, FuncFlag, BufferLength, FrameLength, FrameHeaderLength;
  SegOff16 Frame;
  std::uint8_t ProtType, PktType;
};
struct FileCmdline {  // PXENV_FILE_CMDLINE (iPXE extension)
  std::uint16_t Status, BufferSize;
  SegOff16 Buffer;
};
struct FileApiCheck {  // PXENV_FILE_API_CHECK (gPXE/iPXE extension; PXELINUX probes it)
  std::uint16_t Status, Size;
  std::uint32_t Magic, Provider, APIMask, Flags;
};

// IP addresses (IP4_t) and UDP ports (UDP_PORT_t) are in network byte order, as on the wire.
struct TftpOpen {  // PXENV_TFTP_OPEN
  std::uint16_t Status;
  std::uint32_t ServerIPAddress, GatewayIPAddress;
  std::uint8_t FileName[128];
  std::uint16_t TFTPPort, PacketSize;
};
struct TftpRead {  // PXENV_TFTP_READ
  std::uint16_t Status, PacketNumber, BufferSize;
  SegOff16 Buffer;
};
struct TftpReadFile {  // PXENV_TFTP_READ_FILE, and PXENV_RESTART_TFTP with the same block
  std::uint16_t Status;
  std::uint8_t FileName[128];
  std::uint32_t BufferSize, Buffer;  // Buffer: a 32-bit physical address
  std::uint32_t ServerIPAddress, GatewayIPAddress, McastIPAddress;
  std::uint16_t TFTPClntPort, TFTPSrvPort, TFTPOpenTimeOut, TFTPReopenDelay;
};
struct TftpGetFsize {  // PXENV_TFTP_GET_FSIZE
  std::uint16_t Status;
  std::uint32_t ServerIPAddress, GatewayIPAddress;
  std::uint8_t FileName[128];
  std::uint32_t FileSize;
};
struct UdpOpen {  // PXENV_UDP_OPEN
  std::uint16_t Status;
  std::uint32_t src_ip;
};
struct UdpRead {  // PXENV_UDP_READ: src_ip/s_port out; dest_ip/d_port are a filter in (0 = any), set out
  std::uint16_t Status;
  std::uint32_t src_ip, dest_ip;
  std::uint16_t s_port, d_port, buffer_size;
  SegOff16 buffer;
};
struct UdpWrite {  // PXENV_UDP_WRITE
  std::uint16_t Status;
  std::uint32_t ip, gw;
  std::uint16_t src_port, dst_port, buffer_size;
  SegOff16 buffer;
};

#pragma pack(pop)

// The layouts, as the spec gives them. Status is always at offset 0 (the dispatcher writes it there).
static_assert(sizeof(SegOff16) == 4 && sizeof(SegDesc) == 8);
static_assert(sizeof(Pxenv) == 0x2C && offsetof(Pxenv, RMEntry) == 0x0A && offsetof(Pxenv, StackSeg) == 0x14 &&
              offsetof(Pxenv, BC_CodeSeg) == 0x18 && offsetof(Pxenv, UNDIDataSeg) == 0x20 &&
              offsetof(Pxenv, UNDICodeSeg) == 0x24 && offsetof(Pxenv, PXEPtr) == 0x28);
static_assert(sizeof(BangPxe) == 0x58 && offsetof(BangPxe, EntryPointSP) == 0x10 &&
              offsetof(BangPxe, SegDescCnt) == 0x1D && offsetof(BangPxe, Stack) == 0x20 &&
              offsetof(BangPxe, UNDIData) == 0x28 && offsetof(BangPxe, UNDICode) == 0x30 &&
              offsetof(BangPxe, BC_Data) == 0x40 && offsetof(BangPxe, BC_CodeWrite) == 0x50);
static_assert(sizeof(GetCachedInfo) == 0x0C && offsetof(GetCachedInfo, PacketType) == 2 &&
              offsetof(GetCachedInfo, BufferSize) == 4 && offsetof(GetCachedInfo, Buffer) == 6 &&
              offsetof(GetCachedInfo, BufferLimit) == 0x0A);
static_assert(sizeof(UndiTransmit) == 0x14 && offsetof(UndiTransmit, Protocol) == 2 &&
              offsetof(UndiTransmit, XmitFlag) == 3 && offsetof(UndiTransmit, DestAddr) == 4 &&
              offsetof(UndiTransmit, TBD) == 8);
static_assert(sizeof(UndiTbd) == 0x48 && offsetof(UndiTbd, Xmit) == 2 && offsetof(UndiTbd, DataBlkCount) == 6 &&
              offsetof(UndiTbd, DataBlock) == 8 && sizeof(UndiTbd::DataBlk) == 8 &&
              offsetof(UndiTbd::DataBlk, TDDataLen) == 2 && offsetof(UndiTbd::DataBlk, TDDataPtr) == 4);
static_assert(sizeof(UndiSetStationAddress) == 0x12 && offsetof(UndiSetStationAddress, StationAddress) == 2);
static_assert(sizeof(UndiGetInformation) == 0x32 && offsetof(UndiGetInformation, IntNumber) == 4 &&
              offsetof(UndiGetInformation, MaxTranUnit) == 6 && offsetof(UndiGetInformation, HwType) == 8 &&
              offsetof(UndiGetInformation, HwAddrLen) == 0x0A &&
              offsetof(UndiGetInformation, CurrentNodeAddress) == 0x0C &&
              offsetof(UndiGetInformation, PermNodeAddress) == 0x1C && offsetof(UndiGetInformation, RxBufCt) == 0x2E &&
              offsetof(UndiGetInformation, TxBufCt) == 0x30);
static_assert(sizeof(UndiGetStatistics) == 0x12 && offsetof(UndiGetStatistics, XmtGoodFrames) == 2 &&
              offsetof(UndiGetStatistics, RcvGoodFrames) == 6 && offsetof(UndiGetStatistics, RcvCRCErrors) == 0x0A &&
              offsetof(UndiGetStatistics, RcvResourceErrors) == 0x0E);
static_assert(sizeof(UndiGetNicType) == 0x11 && offsetof(UndiGetNicType, NicType) == 2 &&
              offsetof(UndiGetNicType, Vendor_ID) == 3 && offsetof(UndiGetNicType, Dev_ID) == 5 &&
              offsetof(UndiGetNicType, Base_Class) == 7 && offsetof(UndiGetNicType, Rev) == 0x0A &&
              offsetof(UndiGetNicType, BusDevFunc) == 0x0B && offsetof(UndiGetNicType, SubVendor_ID) == 0x0D &&
              offsetof(UndiGetNicType, SubDevice_ID) == 0x0F);
static_assert(sizeof(UndiGetIfaceInfo) == 0x2A && offsetof(UndiGetIfaceInfo, IfaceType) == 2 &&
              offsetof(UndiGetIfaceInfo, LinkSpeed) == 0x12 && offsetof(UndiGetIfaceInfo, ServiceFlags) == 0x16 &&
              offsetof(UndiGetIfaceInfo, Reserved) == 0x1A);
static_assert(sizeof(UndiIsr) == 0x10 && offsetof(UndiIsr, FuncFlag) == 2 && offsetof(UndiIsr, BufferLength) == 4 &&
              offsetof(UndiIsr, FrameLength) == 6 && offsetof(UndiIsr, FrameHeaderLength) == 8 &&
              offsetof(UndiIsr, Frame) == 0x0A && offsetof(UndiIsr, ProtType) == 0x0E && offsetof(UndiIsr, PktType) == 0x0F);
static_assert(sizeof(FileApiCheck) == 0x14 && offsetof(FileApiCheck, Size) == 2 && offsetof(FileApiCheck, Magic) == 4 &&
              offsetof(FileApiCheck, Provider) == 8 && offsetof(FileApiCheck, APIMask) == 0x0C &&
              offsetof(FileApiCheck, Flags) == 0x10);
static_assert(sizeof(TftpOpen) == 0x8E && offsetof(TftpOpen, ServerIPAddress) == 2 &&
              offsetof(TftpOpen, GatewayIPAddress) == 6 && offsetof(TftpOpen, FileName) == 0x0A &&
              offsetof(TftpOpen, TFTPPort) == 0x8A && offsetof(TftpOpen, PacketSize) == 0x8C);
static_assert(sizeof(TftpRead) == 0x0A && offsetof(TftpRead, PacketNumber) == 2 && offsetof(TftpRead, BufferSize) == 4 &&
              offsetof(TftpRead, Buffer) == 6);
static_assert(sizeof(TftpReadFile) == 0x9E && offsetof(TftpReadFile, FileName) == 2 &&
              offsetof(TftpReadFile, BufferSize) == 0x82 && offsetof(TftpReadFile, Buffer) == 0x86 &&
              offsetof(TftpReadFile, ServerIPAddress) == 0x8A && offsetof(TftpReadFile, GatewayIPAddress) == 0x8E &&
              offsetof(TftpReadFile, McastIPAddress) == 0x92 && offsetof(TftpReadFile, TFTPClntPort) == 0x96 &&
              offsetof(TftpReadFile, TFTPSrvPort) == 0x98 && offsetof(TftpReadFile, TFTPOpenTimeOut) == 0x9A &&
              offsetof(TftpReadFile, TFTPReopenDelay) == 0x9C);
static_assert(sizeof(TftpGetFsize) == 0x8E && offsetof(TftpGetFsize, FileName) == 0x0A &&
              offsetof(TftpGetFsize, FileSize) == 0x8A);
static_assert(sizeof(UdpOpen) == 6 && offsetof(UdpOpen, src_ip) == 2);
static_assert(sizeof(UdpRead) == 0x14 && offsetof(UdpRead, src_ip) == 2 && offsetof(UdpRead, dest_ip) == 6 &&
              offsetof(UdpRead, s_port) == 0x0A && offsetof(UdpRead, d_port) == 0x0C &&
              offsetof(UdpRead, buffer_size) == 0x0E && offsetof(UdpRead, buffer) == 0x10);
static_assert(sizeof(UdpWrite) == 0x14 && offsetof(UdpWrite, ip) == 2 && offsetof(UdpWrite, gw) == 6 &&
              offsetof(UdpWrite, src_port) == 0x0A && offsetof(UdpWrite, dst_port) == 0x0C &&
              offsetof(UdpWrite, buffer_size) == 0x0E && offsetof(UdpWrite, buffer) == 0x10);
static_assert(sizeof(FileCmdline) == 8 && offsetof(FileCmdline, BufferSize) == 2 && offsetof(FileCmdline, Buffer) == 4);

/// The name used in traces ("UNDI_ISR"), or nullptr for an opcode this ROM does not know.
const char* opcode_name(std::uint16_t opcode);

}  // namespace bootsim::pxe
