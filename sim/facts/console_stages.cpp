#include "sim/facts/console_stages.h"

#include "sim/machine/console.h"

namespace bootsim::facts {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool starts_with_ok(const std::string& s) {
  std::string t = s;
  t.erase(0, t.find_first_not_of(" .\r\n"));
  return t.rfind("ok", 0) == 0;
}

bool only_progress(const std::string& s) { return s.find_first_not_of(" .\r\n\b") == std::string::npos; }

std::string first_line(const std::string& s) {
  size_t n = s.find('\n');
  return n == std::string::npos ? s : s.substr(0, n + 1);
}
std::string after_first_line(const std::string& s) {
  size_t n = s.find('\n');
  return n == std::string::npos ? std::string() : s.substr(n + 1);
}
void strip_dots(std::string& s) { s.erase(0, s.find_first_not_of(".")); }
bool is_banner(const std::string& l) {
  return l.size() > 6 && l.rfind("iPXE ", 0) == 0 && l[5] >= '0' && l[5] <= '9';
}
std::string find_url(const std::string& line) {
  for (const char* scheme : {"tftp://", "http://", "https://", "ftp://", "nfs://", "file://"}) {
    size_t p = line.find(scheme);
    if (p == std::string::npos) continue;
    size_t e = line.find("...", p);
    if (e == std::string::npos) continue;  // a URL in a message, not a download in progress
    std::string url = line.substr(p, e - p);
    if (url.find(' ') != std::string::npos) continue;
    return url;
  }
  return {};
}

/// iPXE's failure text on a result line: rendered, without the progress dots before it.
std::string failure_message(const std::string& line) {
  std::string msg;
  for (auto& l : Console::render(line)) msg += trim(l);
  msg.erase(0, msg.find_first_not_of(". "));
  return msg;
}

}  // namespace

void ConsoleStages::feed(const std::string& text, std::int64_t t) {
  // The rendered lines of this burst, each checked for openers and results in order.
  std::string pending = text;
  if (message_of_ != SIZE_MAX) {
    // The failure message goes on in this burst (iPXE prints it in pieces): the detail is the whole line.
    std::string part = first_line(pending);
    pending = after_first_line(pending);
    message_ += part;
    (*out_)[message_of_].detail = failure_message(message_);
    if (part.find('\n') == std::string::npos) return;
    message_of_ = SIZE_MAX;
  }
  while (!pending.empty()) {
    if (awaiting_ && !only_progress(pending)) {
      close_result(pending, t);
      if (pending.empty()) return;
      continue;
    }
    if (awaiting_) return;  // dots while waiting
    if (banner_open_) {
      std::string first = trim(first_line(pending));
      if (first.empty() || first.rfind("Features", 0) == 0 || is_banner(first)) {
        banner_end_ = t;
        pending = after_first_line(pending);
        continue;
      }
      close(banner_end_, "", "");
      banner_open_ = false;
    }
    if (prompt_open_) {
      close(t, "", "");
      prompt_open_ = false;
    }
    size_t pos;
    std::string line = first_line(pending);
    std::string rest = after_first_line(pending);
    if ((pos = line.find("iPXE initialising devices")) != std::string::npos) {
      open("ipxe_init", "iPXE init", t);
      awaiting_ = true;
      pending = line.substr(pos + 25) + rest;
      strip_dots(pending);
      continue;
    }
    if (is_banner(trim(line))) {
      open("banner", "banner: " + trim(line).substr(0, 40), t);
      banner_open_ = true;
      banner_end_ = t;
      pending = rest;
      continue;
    }
    if ((pos = line.find("Press Ctrl-B")) != std::string::npos) {
      open("ctrl_b_prompt", "Ctrl-B prompt", t);
      prompt_open_ = true;
      return;  // the prompt stays until the next output (its erasure)
    }
    if ((pos = line.find("Configuring (")) != std::string::npos) {
      size_t close_paren = line.find(')', pos);
      std::string what = close_paren == std::string::npos ? "" : line.substr(pos + 13, close_paren - pos - 13);
      open("configuring", "configuring " + what, t);
      awaiting_ = true;
      pending = close_paren == std::string::npos ? rest : line.substr(close_paren + 1) + rest;
      strip_dots(pending);
      continue;
    }
    if (auto url = find_url(line); !url.empty()) {
      open("download", "download " + url, t);
      awaiting_ = true;
      pending = line.substr(line.find(url) + url.size()) + rest;
      strip_dots(pending);
      continue;
    }
    if (line.find("Booting") != std::string::npos || line.find("Starting") != std::string::npos) {
      open_instant("boot_message", trim(line), t);
    }
    pending = rest;
  }
}

void ConsoleStages::finish(std::int64_t end) {
  if (banner_open_) close(banner_end_, "", "");
  else if (prompt_open_) close(end, "unfinished", "still waiting at the end of the trace");
  else if (awaiting_) close(end, "unfinished", "no result printed before the end of the trace");
}

void ConsoleStages::open(const std::string& name, const std::string& label, std::int64_t t) {
  Stage s;
  s.machine = machine_;
  s.source = "console";
  s.name = name;
  s.label = label;
  s.start_ns = s.end_ns = t;
  out_->push_back(std::move(s));
  current_ = out_->size() - 1;
}
void ConsoleStages::open_instant(const std::string& name, const std::string& label, std::int64_t t) {
  open(name, label, t);
  current_ = SIZE_MAX;
}
void ConsoleStages::close(std::int64_t t, const std::string& outcome, const std::string& detail) {
  if (current_ == SIZE_MAX) return;
  (*out_)[current_].end_ns = t;
  (*out_)[current_].outcome = outcome;
  (*out_)[current_].detail = detail;
  current_ = SIZE_MAX;
}
void ConsoleStages::close_result(std::string& pending, std::int64_t t) {
  std::string line = first_line(pending);
  pending = after_first_line(pending);
  awaiting_ = false;
  if (starts_with_ok(line)) {
    close(t, "ok", "");
  } else {
    if (line.find('\n') == std::string::npos) {  // the rest of the message comes in later bursts
      message_of_ = current_;
      message_ = line;
    }
    close(t, "failed", failure_message(line));
  }
}

}  // namespace bootsim::facts
