// Keyboard input for a machine: key triggers that fire at a virtual time or when the console shows a
// text, and the queue INT 16h reads from.
//
// Triggers fire in the order given: trigger i is armed when trigger i-1 has fired, so "Ctrl-B when
// 'Press Ctrl-B' appears, then 'sleep 30' when 'iPXE>' appears" means the prompt after the Ctrl-B.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/sim_time.h"

namespace bootsim {

struct KeyTrigger {
  std::optional<SimTime> at;   ///< fire at this virtual time (or when armed, if later)
  std::string on_console;      ///< or fire when this text appears in the raw console stream
  std::string keys_text;       ///< as written by the user, for the trace
  std::vector<std::uint16_t> keys;  ///< BIOS key codes (scancode << 8 | ASCII)
};

/// Parses key text: plain characters, "\n" (Enter), "\t", "\\", and named keys in angle brackets:
/// <enter> <esc> <tab> <backspace> <ctrl-a>…<ctrl-z> <up> <down> <left> <right> <f1>…<f12>. "\<" is a
/// literal '<'. Returns nullopt with `error` set on an unknown name.
std::optional<std::vector<std::uint16_t>> parse_keys(const std::string& text, std::string* error);

/// Parses the command line form WHEN:KEYS, where WHEN is a duration ("2s") or a console text without ':'.
std::optional<KeyTrigger> parse_key_trigger(const std::string& spec, std::string* error);

class Keyboard {
 public:
  bool empty() const { return queue_.empty(); }
  std::optional<std::uint16_t> peek() const {
    return queue_.empty() ? std::nullopt : std::optional<std::uint16_t>(queue_.front());
  }
  std::optional<std::uint16_t> take() {
    if (queue_.empty()) return std::nullopt;
    auto k = queue_.front();
    queue_.pop_front();
    return k;
  }
  void push(std::uint16_t key) { queue_.push_back(key); }
  void push(const std::vector<std::uint16_t>& keys) { queue_.insert(queue_.end(), keys.begin(), keys.end()); }

 private:
  std::deque<std::uint16_t> queue_;
};

}  // namespace bootsim
