#include "firmware/video.h"

#include <cstdio>
#include <cstring>

#include "sim/cpu/cpu.h"

namespace bootsim {

Video::Video(FirmwareHost& host) : host_(host), screen_([&host](std::uint8_t ch) { host.console_put(ch); }) {}

void Video::install() {
  Cpu& cpu = host_.cpu();
  cpu.write8(0x449, 0x03);         // video mode 3
  cpu.write16(0x44A, 80);          // columns
  cpu.write16(0x44C, 0x1000);      // page size
  cpu.write16(0x44E, 0);           // page offset
  cpu.write16(0x460, cursor_shape_);
  cpu.write8(0x462, 0);            // active page
  cpu.write16(0x463, 0x3D4);       // CRTC port
  cpu.write8(0x484, 24);           // rows - 1
  cpu.write16(0x485, 16);          // character height, read when iPXE shows the cursor
  mirrored_.fill(0);
  mirror();
}

void Video::mirror() {
  Cpu& cpu = host_.cpu();
  const std::uint8_t* now = screen_.cells();
  // After nearly every call the screen is as it was: one memcmp says so (a fleet makes ~10^6 calls).
  if (std::memcmp(now, mirrored_.data(), TextScreen::kBytes) != 0) {
    std::size_t lo = 0, hi = TextScreen::kBytes;
    while (lo < hi && now[lo] == mirrored_[lo]) ++lo;
    while (hi > lo && now[hi - 1] == mirrored_[hi - 1]) --hi;
    cpu.write(kVideoMemory + static_cast<std::uint32_t>(lo), now + lo, hi - lo);
    std::memcpy(mirrored_.data() + lo, now + lo, hi - lo);
  }
  if (screen_.row() != mirrored_row_ || screen_.col() != mirrored_col_) {
    cpu.write16(0x450, static_cast<std::uint16_t>(screen_.row() << 8 | screen_.col()));  // page 0 cursor
    mirrored_row_ = screen_.row();
    mirrored_col_ = screen_.col();
  }
}

void Video::pick_up_stores() {
  const std::uint8_t* ram = host_.cpu().ram() + kVideoMemory;
  if (std::memcmp(ram, mirrored_.data(), TextScreen::kBytes) == 0) return;
  std::memcpy(mirrored_.data(), ram, TextScreen::kBytes);
  screen_.load_cells(ram);
}

void Video::sync() {
  pick_up_stores();
  if (screen_.pending()) screen_.sync();
  mirror();
}

void Video::service() {
  Cpu& cpu = host_.cpu();
  pick_up_stores();
  std::uint32_t ax = cpu.reg(UC_X86_REG_AX);
  std::uint8_t ah = static_cast<std::uint8_t>(ax >> 8), al = static_cast<std::uint8_t>(ax);
  std::uint8_t bh = static_cast<std::uint8_t>(cpu.reg(UC_X86_REG_BH));
  std::uint8_t bl = static_cast<std::uint8_t>(cpu.reg(UC_X86_REG_BL));
  std::uint16_t cx = static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_CX));
  std::uint16_t dx = static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_DX));
  switch (ah) {
    case 0x00:  // set mode: a text mode clears the screen unless AL bit 7 asks to keep it
      if (!(al & 0x80)) screen_.scroll(true, 0, 0, 0, TextScreen::kRows - 1, TextScreen::kCols - 1, TextScreen::kNormal);
      screen_.set_cursor(0, 0);
      break;
    case 0x01:
      cursor_shape_ = cx;
      cpu.write16(0x460, cx);
      break;
    case 0x02:
      if (bh == 0) screen_.set_cursor(dx >> 8, dx & 0xFF);  // other pages are never shown
      break;
    case 0x03:
      cpu.set_reg(UC_X86_REG_DX, bh == 0 ? static_cast<std::uint32_t>(screen_.row() << 8 | screen_.col()) : 0);
      cpu.set_reg(UC_X86_REG_CX, cursor_shape_);
      break;
    case 0x05: break;  // active page: only page 0 exists
    case 0x06:
    case 0x07:
      screen_.scroll(ah == 0x06, al, cx >> 8, cx & 0xFF, dx >> 8, dx & 0xFF, bh);
      break;
    case 0x08: {
      std::uint16_t c = screen_.cell(screen_.row(), screen_.col());
      cpu.set_reg(UC_X86_REG_AX, c);
      break;
    }
    case 0x09:
    case 0x0A:
      if (bh == 0) screen_.place(al, ah == 0x09 ? bl : -1, cx);
      break;
    case 0x0E:  // teletype: this is the console stream
      screen_.teletype(al);
      break;
    case 0x0F:
      cpu.set_reg(UC_X86_REG_AX, 0x5003);  // 80 columns, mode 3
      cpu.set_reg(UC_X86_REG_BH, 0);
      break;
    case 0x13: {
      std::uint32_t es = cpu.reg(UC_X86_REG_ES), bp = cpu.reg(UC_X86_REG_BP) & 0xFFFF;
      bool with_attrs = al & 0x02;
      std::string text, attrs;
      std::uint32_t p = Cpu::linear(static_cast<std::uint16_t>(es), static_cast<std::uint16_t>(bp));
      for (std::uint16_t i = 0; i < cx && i < TextScreen::kCols * TextScreen::kRows; ++i) {
        text += static_cast<char>(cpu.read8(p++));
        if (with_attrs) attrs += static_cast<char>(cpu.read8(p++));
      }
      if (bh == 0) screen_.write_string(text, attrs, bl, dx >> 8, dx & 0xFF, al & 0x01);
      break;
    }
    default:
      if (!(unsupported_seen_[ah / 32] & (1u << (ah % 32)))) {
        unsupported_seen_[ah / 32] |= 1u << (ah % 32);
        char buf[32];
        std::snprintf(buf, sizeof buf, "10h AX=%04Xh", static_cast<unsigned>(ax & 0xFFFF));
        host_.trace(trace_kind::BiosCall{buf, "unsupported"});
      }
      break;
  }
  mirror();
}

}  // namespace bootsim
