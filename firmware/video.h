// The video BIOS (INT 10h) of an 80x25 colour text adapter, with video memory at B8000h.
//
// Functions: 00h set mode (text modes clear the screen), 01h cursor shape, 02h/03h set/read cursor,
// 05h active page (page 0 only), 06h/07h scroll window up/down, 08h read character and attribute,
// 09h/0Ah write character (and attribute) at the cursor, 0Eh teletype, 0Fh read mode, 13h write string.
// Anything else is answered like a BIOS that lacks it (registers unchanged) and traced once.
//
// The screen (firmware/text_screen.h) is mirrored into guest RAM at B8000h after every call, so a guest
// that reads video memory sees it; stores the guest makes there are picked up at sync(), which the
// machine calls at every host entry other than a video call: no memory hook is needed, because virtual
// time only moves at host entries, so a store is seen at the virtual time it happened.
#pragma once

#include <array>
#include <cstdint>

#include "firmware/host.h"
#include "firmware/text_screen.h"

namespace bootsim {

class Video {
 public:
  static constexpr std::uint32_t kVideoMemory = 0xB8000;

  explicit Video(FirmwareHost& host);

  /// Video fields of the BIOS data area and a blank screen in video memory.
  void install();
  /// Services INT 10h with the guest's registers.
  void service();
  /// Takes the guest's own stores into video memory and writes pending placed text to the console stream
  /// (TextScreen::sync).
  void sync();

  const TextScreen& screen() const { return screen_; }

 private:
  /// Copies the cells that changed into guest video memory and the cursor into the BDA.
  void mirror();
  /// Takes stores the guest made into video memory since the last mirror().
  void pick_up_stores();

  FirmwareHost& host_;
  TextScreen screen_;
  std::array<std::uint8_t, TextScreen::kBytes> mirrored_{};  ///< video memory as last written by us
  std::uint16_t cursor_shape_ = 0x0607;
  int mirrored_row_ = -1, mirrored_col_ = -1;
  std::uint32_t unsupported_seen_[8] = {};  ///< AH values already traced as unsupported (bitmap)
};

}  // namespace bootsim
