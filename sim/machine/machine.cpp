#include "sim/machine/machine.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "firmware/memory_map.h"
#include "sim/core/errors.h"
#include "sim/cpu/unicorn_x86_state.h"
#include "sim/proto/dhcp_packet.h"

namespace bootsim {

namespace {

constexpr std::uint32_t kFlagIF = 1u << 9;
using unicorn_x86::kCr0Pg;
constexpr std::uint32_t kFlagTF = 1u << 8;

const char* exception_name(std::uint32_t n) {
  switch (n) {
    case 0: return "#DE divide error";
    case 1: return "#DB debug";
    case 3: return "#BP breakpoint";
    case 5: return "#BR bound range";
    case 6: return "#UD invalid opcode";
    case 7: return "#NM no FPU";
    case 8: return "#DF double fault";
    case 10: return "#TS invalid TSS";
    case 11: return "#NP segment not present";
    case 12: return "#SS stack fault";
    case 13: return "#GP general protection";
    case 14: return "#PF page fault";
    case 16: return "#MF FPU error";
    case 17: return "#AC alignment";
    default: return "interrupt";
  }
}

std::uint64_t mix_seed(std::uint64_t seed, const std::string& name) {
  std::uint64_t h = seed ^ 0x9E3779B97F4A7C15ull;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001B3ull;
  return h;
}

}  // namespace

Machine::Machine(Scheduler& sched, Trace& trace, MachineConfig config)
    : sched_(sched),
      trace_(trace),
      config_(std::move(config)),
      bios_(*this),
      ports_(*this),
      idle_(config_.idle, config_.host_entry_cost) {
  using namespace layout;
  const std::size_t max_nbp = kMaxNbpBytes;
  if (!config_.rom_phase && (config_.nbp.empty() || config_.nbp.size() > max_nbp))
    throw InputError(config_.nbp_path + ": NBP is " + std::to_string(config_.nbp.size()) +
                     " bytes; it must be 1.." + std::to_string(max_nbp) + " to fit in base memory");
  if (config_.ram_bytes < (16u << 20)) throw InputError("guest RAM must be at least 16 MiB");

  cpu_ = std::make_unique<Cpu>(config_.ram_bytes);
  nic_ = std::make_unique<Nic>(sched_, trace_, config_.name, config_.mac, config_.nic_profile,
                               mix_seed(config_.seed, config_.name + ".nic"));
  port_ = std::make_unique<SwitchPort>(sched_, trace_, config_.name, config_.switch_port);
  nic_->plug_into(*port_);
  if (!config_.smbios) config_.smbios = SmbiosInfo::defaults(config_.seed, config_.mac);
  config_.rom.client_uuid = config_.smbios->uuid;
  rom_ = std::make_unique<PxeRom>(*this, config_.rom);
  irq_ = std::make_unique<InterruptDelivery>(*cpu_, ports_.pic());
  bios_.attach_pic(&ports_.pic());
  rdtsc_ = std::make_unique<RdtscTrap>(*cpu_, [this](std::uint32_t linear) { on_rdtsc(linear); });
  rep_string_ = std::make_unique<RepString>(*cpu_);

  cpu_->enter_real_mode();
  // Time of day at power-on: within the first hour, chosen by the seed. It seeds iPXE's random(), hence
  // its DHCP xid, so different seeds give different (but reproducible) transactions.
  bios_.set_tick_base(static_cast<std::uint32_t>(mix_seed(config_.seed, config_.name) % 65536));
  bios_.install();
  write_smbios(*cpu_, *config_.smbios);
  rom_->install();

  uc_engine* uc = cpu_->uc();
  auto add = [&](int type, void* cb, std::uint64_t begin, std::uint64_t end, int insn = -1) {
    uc_hook h;
    uc_err err = insn < 0 ? uc_hook_add(uc, &h, type, cb, this, begin, end)
                          : uc_hook_add(uc, &h, type, cb, this, begin, end, insn);
    uc_check(err, "uc_hook_add");
    hooks_.push_back(h);
  };
  add(UC_HOOK_INTR, reinterpret_cast<void*>(&Machine::hook_intr), 1, 0);
  add(UC_HOOK_CODE, reinterpret_cast<void*>(&Machine::hook_int_stub), kIntStubBase, kIntStubBase + 255);
  add(UC_HOOK_CODE, reinterpret_cast<void*>(&Machine::hook_pxe_entry),
      Cpu::linear(kUndiCodeSeg, std::min(kPxeEntrySpOff, kPxenvEntryOff)),
      Cpu::linear(kUndiCodeSeg, std::max(kPxeEntrySpOff, kPxenvEntryOff)));
  add(UC_HOOK_CODE, reinterpret_cast<void*>(&Machine::hook_rom_exit), kReturnStub, kReturnStub);
  add(UC_HOOK_CODE, reinterpret_cast<void*>(&Machine::hook_irq_routine), 0xF0000 + kIrqRoutinesOff,
      0xF0000 + kIrqRoutinesEnd - 1);
  add(UC_HOOK_CODE, reinterpret_cast<void*>(&Machine::hook_rom_exit), 0xFFFF0, 0xFFFF0);
  add(UC_HOOK_INSN, reinterpret_cast<void*>(&Machine::hook_in), 1, 0, UC_X86_INS_IN);
  add(UC_HOOK_INSN, reinterpret_cast<void*>(&Machine::hook_out), 1, 0, UC_X86_INS_OUT);
  add(UC_HOOK_INSN, reinterpret_cast<void*>(&Machine::hook_cpuid), 1, 0, UC_X86_INS_CPUID);
  add(UC_HOOK_BLOCK, reinterpret_cast<void*>(&Machine::hook_block), 1, 0);
  // No UC_HOOK_MEM_READ on the BDA tick count (0040:006C), though guests read it as a clock: in Unicorn
  // 2.0.1 the mere presence of a memory read hook corrupts a 16-bit RETF (unicorn-engine/unicorn#966):
  // undionly.kpxe faults on its first PXE call's return. A guest that polls it with interrupt windows open
  // is caught by the spinning rule (sim/machine/idle_rule.h).
  add(UC_HOOK_MEM_UNMAPPED, reinterpret_cast<void*>(&Machine::hook_unmapped), 1, 0);
}

// The hooks go one by one before uc_close, though each deletion invalidates every block it was translated
// into (~5 ms a machine): that invalidation frees the pages' self-modifying-code bitmaps, which Unicorn
// 2.0.1's uc_close leaks otherwise (LSan), and its TB flush, which would free them too, costs 40x more.
Machine::~Machine() {
  for (auto h : hooks_) uc_hook_del(cpu_->uc(), h);
  rdtsc_.reset();  // its hooks go before the engine does
}

// ---------------------------------------------------------------------------------------------------
// Running

void Machine::start_nbp() {
  using namespace layout;
  // The PXE ROM's handoff to an NBP (PXE spec 2.1 §4.4.5; contract §1.1): CS:IP = 0000:7C00, ES:BX and
  // FS:DX -> PXENV+ (the prefix's "Plan B" reads FS:DX), SS:SP with the return address at +0 and the
  // !PXE far pointer at +4.
  std::uint32_t sp = Cpu::linear(kEntryStackSeg, kEntryStackTop);
  cpu_->write16(sp + 0, kReturnStubOff);
  cpu_->write16(sp + 2, kBiosSeg);
  cpu_->write16(sp + 4, kPxeOff);
  cpu_->write16(sp + 6, kUndiDataSeg);
  cpu_->set_reg(UC_X86_REG_SS, kEntryStackSeg);
  cpu_->set_reg(UC_X86_REG_ESP, kEntryStackTop);
  cpu_->set_reg(UC_X86_REG_ES, kUndiDataSeg);
  cpu_->set_reg(UC_X86_REG_EBX, kPxenvOff);
  cpu_->set_reg(UC_X86_REG_FS, kUndiDataSeg);
  cpu_->set_reg(UC_X86_REG_EDX, kPxenvOff);
  cpu_->set_reg(UC_X86_REG_DS, 0);
  cpu_->set_reg(UC_X86_REG_GS, 0);
  cpu_->set_reg(UC_X86_REG_EFLAGS, 0x202);
  cpu_->set_reg(UC_X86_REG_CS, kNbpSeg);
  cpu_->set_reg(UC_X86_REG_EIP, kNbpOff);
}

void Machine::load_nbp() {
  cpu_->write(Cpu::linear(layout::kNbpSeg, layout::kNbpOff), config_.nbp.data(), config_.nbp.size());
  // FNV-1a: which NBP a start-up snapshot belongs to (the comparison of memory is the real check).
  nbp_hash_ = 0xCBF29CE484222325ull ^ config_.nbp.size();
  for (std::uint8_t b : config_.nbp) nbp_hash_ = (nbp_hash_ ^ b) * 0x100000001B3ull;
}

bool Machine::run_rom_phase() {
  rom_->start_base_code(sched_, mix_seed(config_.seed, config_.name + ".rom"), layout::kMaxNbpBytes);
  // No guest code runs yet: time moves from one network event or ROM timeout to the next.
  while (!stopping() && !rom_->poll_base_code()) {
    SimTime next = sched_.next_event_time();
    if (next == SimTime::max()) {
      fault("internal_error", "PXE ROM phase has nothing scheduled");
      return false;
    }
    advance_to(next, true);
  }
  flush_console();
  if (stopping()) return false;
  const auto& r = rom_->base_code_result();
  if (!r.ok) {
    trace(trace_kind::Phase::rom_failed(r.error));
    stop(StopReason::kRomFailed, r.error);
    return false;
  }
  config_.nbp = r.nbp;
  config_.nbp_path = "tftp://" + format_ipv4(r.server_ip) + "/" + r.filename;
  return true;
}

RunResult Machine::run(SimTime until) {
  until_ = until;
  if (!snapshots_) cpu_->track_host_writes(false);  // only snapshots compare them
  if (stats_.emu_starts == 0) {
    started_ = true;
    arm_next_trigger();
    advance_to(std::max(sched_.now(), config_.power_on));
    if (config_.rom_phase && !stopping()) run_rom_phase();
    if (!stopping()) {
      load_nbp();
      trace(trace_kind::Phase::nbp_start(config_.nbp_path, config_.nbp.size()));
      start_nbp();
    }
  }
  while (!stopping()) {
    std::uint32_t eip = cpu_->reg(UC_X86_REG_EIP);
    ++stats_.emu_starts;
    uc_err err = cpu_->run(eip);
    end_stretch();  // the CPU stopped: whatever ran was not a whole stretch
    if (stopping()) break;
    if (err != UC_ERR_OK) {
      std::string kind = "emulator_error";
      std::string what = uc_strerror(err);
      if (err == UC_ERR_READ_UNMAPPED || err == UC_ERR_WRITE_UNMAPPED || err == UC_ERR_FETCH_UNMAPPED) {
        kind = "unmapped_access";
        char buf[64];
        std::snprintf(buf, sizeof buf, " at 0x%llx", static_cast<unsigned long long>(unmapped_addr_));
        if (unmapped_seen_) what += buf;
      } else if (err == UC_ERR_INSN_INVALID) {
        kind = "invalid_opcode";
      } else if (err == UC_ERR_EXCEPTION) {
        kind = "cpu_exception";
      }
      fault(kind, what);
      break;
    }
    // uc_emu_start returned without an error and without a stop request: the guest executed HLT.
    std::uint32_t pc = 0;
    bool hlt = false;
    try {
      pc = cpu_->cs_base() + cpu_->reg(UC_X86_REG_EIP);
      hlt = pc > 0 && cpu_->read8(pc - 1) == 0xF4;
    } catch (const GuestFault&) {
    }
    if (!hlt) {
      fault("unexpected_stop", "the CPU stopped outside HLT");
      break;
    }
    if (!(cpu_->reg(UC_X86_REG_EFLAGS) & kFlagIF)) {
      // No interrupt can ever wake it: iPXE's install_death, or a guest that gave up.
      fault("halted", "HLT with interrupts disabled");
      break;
    }
    ++stats_.hlt_resumes;
    ++stats_.host_entries;
    // A request already pending wakes the CPU at once; otherwise time passes until one may come.
    if (deliver_irq("hlt", [&] { return irq_->at_hlt(); }) || stopping()) continue;
    IdleSituation s = situation();
    s.input_pending = !keyboard_.empty();  // a frame alone does not end the nap: the guest polls after it
    if (auto t = idle_.hlt(s)) idle_jump(*t);
    else advance_to(sched_.now() + config_.host_entry_cost);
    deliver_irq("hlt", [&] { return irq_->at_hlt(); });
  }
  if (snapshots_) settle_snapshots();
  sync_screen();
  flush_console();
  RunResult r{stop_reason_, stop_detail_, sched_.now()};
  trace_.emit(sched_.now(), config_.name,
              trace_kind::Exit{stop_reason_name(stop_reason_), stop_detail_, stats_.host_entries, rom_->calls(),
                               rom_->isr_polls(), stats_.idle_jumps, stats_.timer_waits, stats_.hlt_resumes});
  return r;
}

void Machine::stop(StopReason reason, const std::string& detail) {
  if (stopping()) return;
  stop_reason_ = reason;
  stop_detail_ = detail;
  uc_emu_stop(cpu_->uc());
}

void Machine::fault(const std::string& kind, const std::string& what_happened) {
  if (faulted_) return;
  faulted_ = true;
  std::string what = what_happened;
  try {
    // Unicorn 2.0.1 takes every linear address as the physical one whatever the page tables say
    // (README "No TLB flush at a mode switch without paging"): a guest that relied on them went astray.
    if (cpu_->reg(UC_X86_REG_CR0) & kCr0Pg)
      what += " (paging was on: Unicorn 2.0.1 does not translate through page tables, every linear address is "
              "taken as the physical one, so an NBP that maps memory elsewhere cannot run under bootsim)";
  } catch (const std::exception&) {
  }
  trace_kind::Fault ev;
  ev.fault = kind;
  ev.message = what;
  try {
    ev.mode = cpu_->protected_mode() ? "protected" : "real";
    if (hook_pc_) {
      // Inside a UC_HOOK_CODE callback Unicorn 2.0.1 reports EIP as the linear address of the hooked
      // instruction, not the CS-relative offset; name the instruction from the hook's own address.
      char buf[96];
      std::uint32_t base = cpu_->cs_base();
      std::snprintf(buf, sizeof buf, "%s %04x:%08x (linear 0x%08x)", cpu_->protected_mode() ? "protected" : "real",
                    cpu_->reg(UC_X86_REG_CS), *hook_pc_ - base, *hook_pc_);
      ev.pc = buf;
    } else {
      ev.pc = cpu_->describe_pc();
    }
  } catch (const std::exception&) {
  }
  ev.recent_calls = recent_calls();
  trace(ev);
  stop(kind == "internal_error" ? StopReason::kInternalError : StopReason::kGuestFault, kind + ": " + what);
}

std::string Machine::recent_calls() const {
  std::string out;
  for (size_t i = 0; i < recent_.size(); ++i) {
    const Call& c = recent_[(recent_pos_ + i) % recent_.size()];
    if (!c.what) continue;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %04X@%s", out.empty() ? "" : ", ", c.what, c.code, format_time(c.t).c_str());
    out += buf;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Virtual time

void Machine::advance_to(SimTime t, bool until_event) {
  end_stretch();  // time passes (and with a baton another machine may run): no stretch spans that
  if (t > until_) t = until_;
  if (baton_) {
    baton_->advance(baton_index_, t, until_event ? Baton::Wake::kOnEvent : Baton::Wake::kAtTime);
  } else {
    if (t > sched_.now()) sched_.advance_to(t);
    sched_.run_due();
  }
  bios_.update_ticks(sched_.now());
  update_irq_lines();
  if (sched_.now() >= until_ && !stopping()) stop(StopReason::kTimeLimit, "reached " + format_time(until_));
}

void Machine::update_irq_lines() {
  Pic& pic = ports_.pic();
  std::uint64_t tick = Bios::ticks_at(sched_.now());
  if (tick != irq0_tick_) {
    irq0_tick_ = tick;
    pic.pulse(0);
  }
  if (std::uint8_t irq = nic_->profile().irq) pic.set_line(irq, nic_->irq_asserted());
}

template <typename Fn>
bool Machine::deliver_irq(const char* at, Fn&& fn) {
  if (stopping()) return false;
  try {
    if (!fn()) return false;
  } catch (const GuestFault& f) {
    fault(f.kind(), f.what());
    return false;
  }
  // IRQ0 comes every tick: counted, not traced (DESIGN.md "Trace"). A device's interrupt is an event.
  const auto& taken = irq_->last();
  if (taken.irq != 0) {
    char vec[8];
    std::snprintf(vec, sizeof vec, "%02Xh", taken.vector);
    trace(trace_kind::Irq{static_cast<std::uint64_t>(taken.irq), vec, taken.protected_mode ? "protected" : "real", at});
  }
  return true;
}

IdleSituation Machine::situation() const {
  return IdleSituation{sched_.now(), sched_.next_event_time(), !keyboard_.empty() || nic_->rx_pending()};
}

void Machine::idle_jump(SimTime t) {
  sync_screen();
  flush_console();
  ++stats_.idle_jumps;
  advance_to(std::max(t, sched_.now()), true);
}

void Machine::time_read(SimTime changes_at) {
  if (idle_.in_entry()) {
    idle_.mark_time_read(changes_at);
    return;
  }
  // A clock read with no host entry (an instruction such as RDTSC): every `free_reads` of them count as one
  // entry that read the clock, so a loop that makes no other host entry still lets time pass.
  if (stopping() || !idle_.free_read()) return;
  std::uint64_t jumps = stats_.idle_jumps;
  host_entry("CLOCK", 0, [this, changes_at] { idle_.mark_time_read(changes_at); });
  if (stats_.idle_jumps != jumps) ++stats_.timer_waits;
}

template <typename Fn>
void Machine::host_entry(const char* what, std::uint32_t code, Fn&& fn) {
  if (stopping()) return;  // a stop is pending: the CPU is about to leave uc_emu_start
  end_stretch();
  ++stats_.host_entries;
  recent_[recent_pos_] = {what, code, sched_.now()};
  recent_pos_ = (recent_pos_ + 1) % recent_.size();
  idle_.begin_entry();
  // Placed text and video-memory stores reach the console at the next host entry that is not itself a
  // video call (firmware/text_screen.h), at the virtual time they were made.
  if (!(code >> 8 == 0x10 && std::strcmp(what, "INT") == 0)) sync_screen();
  advance_to(sched_.now() + config_.host_entry_cost);
  bool ok = !stopping();
  if (ok) {
    try {
      fn();
    } catch (const GuestFault& f) {
      fault(f.kind(), f.what());
      ok = false;
    } catch (const std::exception& e) {
      fault("internal_error", e.what());
      ok = false;
    }
  }
  if (ok) update_irq_lines();  // the call may have enabled the NIC's interrupt, or unmasked a line
  std::optional<SimTime> jump = idle_.end_entry(situation());
  if (ok && jump) idle_jump(*jump);
}

// ---------------------------------------------------------------------------------------------------
// Console, keyboard, trace

void Machine::trace(TraceRecord record) {
  trace_.emit(sched_.now(), config_.name, std::move(record));
}

void Machine::sync_screen() {
  try {
    bios_.video().sync();
  } catch (const GuestFault& f) {
    fault(f.kind(), f.what());
  }
}

void Machine::flush_console() { trace_.close_text(config_.name, trace_kind::Console::kName); }

namespace {
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

void Machine::console_put(std::uint8_t ch) {
  console_.put(ch, sched_.now());
  // One console event per burst of a line, stamped byte by byte: the trace holds it open, in its place in
  // time, while bytes keep coming at one spacing (one BIOS call each), and closes it when the line ends,
  // the spacing changes (the guest waited), the machine idles or anything else is traced.
  trace_.append_text(sched_.now(), config_.name, trace_kind::Console::kName, std::string(1, static_cast<char>(ch)));
  if (ch == '\n') flush_console();
  if (trigger_armed_ && ends_with(console_.raw(), config_.keys[next_trigger_].on_console)) fire_trigger(next_trigger_);
  if (console_watcher_) console_watcher_(console_.raw());
}

void Machine::give_keys(std::vector<KeyTrigger> keys) {
  if (!config_.keys.empty()) throw std::logic_error("give_keys on a machine that has keys of its own");
  config_.keys = std::move(keys);
  next_trigger_ = 0;
  if (!started_) return;  // run() arms the first trigger when it starts
  arm_next_trigger();
  if (trigger_armed_ && ends_with(console_.raw(), config_.keys[next_trigger_].on_console)) fire_trigger(next_trigger_);
}

std::optional<std::uint16_t> Machine::peek_key() { return keyboard_.peek(); }

std::optional<std::uint16_t> Machine::take_key() {
  // A BIOS read blocks until a key arrives: let virtual time pass until one does.
  while (keyboard_.empty() && !stopping()) idle_jump(IdleRule::wake_time(situation()));
  return keyboard_.take();
}

void Machine::wait_for_event(SimTime deadline) {
  // A ROM call that blocks (PXE TFTP/ARP): like an idle jump, but aimed at the call's own deadline
  // instead of the next BIOS tick, since the guest sees nothing until the call returns.
  flush_console();
  SimTime target = std::max(sched_.now(), std::min(deadline, sched_.next_event_time()));
  advance_to(target, true);
}

void Machine::restart_nbp(const std::string& name, std::uint32_t size) {
  // Inside the PXE entry's code hook: the new CS:EIP replaces the RETF the call would have returned by.
  trace(trace_kind::Phase::nbp_start(name, size));
  start_nbp();
}

void Machine::arm_next_trigger() {
  if (next_trigger_ >= config_.keys.size()) return;
  const KeyTrigger& t = config_.keys[next_trigger_];
  if (t.at) {
    size_t index = next_trigger_;
    trigger_event_ = sched_.schedule_at(std::max(*t.at, sched_.now()), config_.name + ".key",
                                        [this, index] { fire_trigger(index); });
  } else {
    trigger_armed_ = true;
  }
}

void Machine::fire_trigger(size_t index) {
  const KeyTrigger& t = config_.keys[index];
  trigger_armed_ = false;
  keyboard_.push(t.keys);
  trace(trace_kind::Key{t.keys_text, t.at ? "at " + format_time(*t.at) : "console: " + t.on_console});
  next_trigger_ = index + 1;
  arm_next_trigger();
}

// ---------------------------------------------------------------------------------------------------
// Hooks

void Machine::hook_intr(uc_engine*, std::uint32_t intno, void* user) {
  static_cast<Machine*>(user)->on_intr(intno);
}

void Machine::on_intr(std::uint32_t intno) {
  if (stopping()) return;
  try {
    if (cpu_->protected_mode()) {
      // iPXE never issues INT in protected mode; an interrupt here is a CPU exception.
      fault("cpu_exception", std::string(exception_name(intno)) + " (vector " + std::to_string(intno) +
                                 ") in protected mode");
      return;
    }
    // Unicorn 2.0.1 reports a real-mode INT n with EIP already past it and does not consult the IVT
    // (ref/unicorn-notes.md, obstacle 3). Tell a software INT from an exception by the bytes before EIP.
    std::uint16_t cs = static_cast<std::uint16_t>(cpu_->reg(UC_X86_REG_CS));
    std::uint32_t eip = cpu_->reg(UC_X86_REG_EIP) & 0xFFFF;
    std::uint32_t base = std::uint32_t{cs} << 4;
    bool soft = (eip >= 2 && cpu_->read8(base + eip - 2) == 0xCD && cpu_->read8(base + eip - 1) == intno) ||
                (intno == 3 && eip >= 1 && cpu_->read8(base + eip - 1) == 0xCC);
    if (!soft) {
      fault("cpu_exception", std::string(exception_name(intno)) + " (vector " + std::to_string(intno) + ") in real mode");
      return;
    }
    // Dispatch through the IVT as the CPU would: push FLAGS, CS, IP; clear IF and TF; load CS:IP.
    std::uint16_t ss = static_cast<std::uint16_t>(cpu_->reg(UC_X86_REG_SS));
    std::uint16_t sp = static_cast<std::uint16_t>(cpu_->reg(UC_X86_REG_SP));
    std::uint32_t flags = cpu_->reg(UC_X86_REG_EFLAGS);
    sp = static_cast<std::uint16_t>(sp - 2);
    cpu_->write16(Cpu::linear(ss, sp), static_cast<std::uint16_t>(flags));
    sp = static_cast<std::uint16_t>(sp - 2);
    cpu_->write16(Cpu::linear(ss, sp), cs);
    sp = static_cast<std::uint16_t>(sp - 2);
    cpu_->write16(Cpu::linear(ss, sp), static_cast<std::uint16_t>(eip));
    cpu_->set_reg(UC_X86_REG_SP, sp);
    cpu_->set_reg(UC_X86_REG_EFLAGS, flags & ~(kFlagIF | kFlagTF));
    cpu_->set_reg(UC_X86_REG_CS, cpu_->read16(intno * 4 + 2));
    cpu_->set_reg(UC_X86_REG_EIP, cpu_->read16(intno * 4));
    ++stats_.int_dispatches;
  } catch (const GuestFault& f) {
    fault(f.kind(), f.what());
  }
}

void Machine::hook_int_stub(uc_engine*, std::uint64_t addr, std::uint32_t, void* user) {
  auto* m = static_cast<Machine*>(user);
  std::uint8_t vector = static_cast<std::uint8_t>(addr - layout::kIntStubBase);
  std::uint32_t code = std::uint32_t{vector} << 8 | ((m->cpu_->reg(UC_X86_REG_AX) >> 8) & 0xFF);
  m->hook_pc_ = static_cast<std::uint32_t>(addr);
  m->snapshot_entry_begin(static_cast<std::uint32_t>(addr));
  m->host_entry("INT", code, [m, vector] { m->bios_.service(vector); });
  m->deliver_irq("iret", [m] { return m->irq_->at_iret_stub(); });
  m->snapshot_entry_end(static_cast<std::uint32_t>(addr));
  m->hook_pc_.reset();
}

void Machine::hook_pxe_entry(uc_engine*, std::uint64_t addr, std::uint32_t, void* user) {
  auto* m = static_cast<Machine*>(user);
  bool stack_convention = addr == Cpu::linear(layout::kUndiCodeSeg, layout::kPxeEntrySpOff);
  if (!stack_convention && addr != Cpu::linear(layout::kUndiCodeSeg, layout::kPxenvEntryOff)) return;
  std::uint32_t code = m->cpu_->reg(UC_X86_REG_BX) & 0xFFFF;
  m->hook_pc_ = static_cast<std::uint32_t>(addr);
  m->snapshot_entry_begin(static_cast<std::uint32_t>(addr));
  m->host_entry("PXE", code, [m, stack_convention] { m->rom_->entry(stack_convention); });
  m->deliver_irq("retf", [m] { return m->irq_->at_retf_stub(); });
  m->snapshot_entry_end(static_cast<std::uint32_t>(addr));
  m->hook_pc_.reset();
}

void Machine::hook_rom_exit(uc_engine*, std::uint64_t addr, std::uint32_t, void* user) {
  auto* m = static_cast<Machine*>(user);
  if (addr == layout::kReturnStub) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "AX=%04X", m->cpu_->reg(UC_X86_REG_AX) & 0xFFFF);
    m->trace(trace_kind::Phase::nbp_returned());
    m->stop(StopReason::kNbpReturned, buf);
  } else {
    m->trace(trace_kind::Phase::reset());
    m->stop(StopReason::kReset, "jump to the reset vector");
  }
}

std::uint32_t Machine::hook_in(uc_engine*, std::uint32_t port, int size, void* user) {
  auto* m = static_cast<Machine*>(user);
  std::uint32_t v = 0xFFFFFFFF;
  m->host_entry("IN", port, [&] { v = m->ports_.in(static_cast<std::uint16_t>(port), size); });
  return v;
}

void Machine::hook_out(uc_engine*, std::uint32_t port, int size, std::uint32_t value, void* user) {
  auto* m = static_cast<Machine*>(user);
  m->host_entry("OUT", port, [&] { m->ports_.out(static_cast<std::uint16_t>(port), size, value); });
}

int Machine::hook_cpuid(uc_engine*, void* user) {
  auto* m = static_cast<Machine*>(user);
  m->host_entry("CPUID", m->cpu_->reg(UC_X86_REG_EAX), [m] { m->cpuid(); });
  return 1;  // we wrote the result: skip the instruction's own emulation
}

void Machine::cpuid() {
  // A plain 32-bit CPU with FXSR/SSE (iPXE fxsaves on every mode switch) and no invariant TSC
  // (CPUID 80000007h EDX bit 8 clear), so nothing would pick the TSC as a clock.
  std::uint32_t leaf = cpu_->reg(UC_X86_REG_EAX);
  std::uint32_t a = 0, b = 0, c = 0, d = 0;
  switch (leaf) {
    case 0:
      a = 1;
      b = 0x756E6547;  // "GenuineIntel"
      d = 0x49656E69;
      c = 0x6C65746E;
      break;
    case 1:
      a = 0x000006F1;
      d = (1u << 0) | (1u << 4) | (1u << 8) | (1u << 15) | (1u << 23) | (1u << 24) | (1u << 25) | (1u << 26);
      break;
    case 0x80000000: a = 0x80000007; break;
    default: break;
  }
  cpu_->set_reg(UC_X86_REG_EAX, a);
  cpu_->set_reg(UC_X86_REG_EBX, b);
  cpu_->set_reg(UC_X86_REG_ECX, c);
  cpu_->set_reg(UC_X86_REG_EDX, d);
}

void Machine::on_rdtsc(std::uint32_t linear) {
  // A read costs no virtual time: Debian's iPXE reads the TSC twice around every PXE call (its
  // profilers), and charging those would move every iPXE timestamp. It is a clock read for the idle rule,
  // which charges a guest that only spins on it one host entry per IdleRule::free_read() streak, so its
  // wait ends; and the counter never repeats (each read is at least the previous + 1).
  hook_pc_ = linear;
  time_read(SimTime::max());
  hook_pc_.reset();
  if (stopping()) return;
  static_assert(kTscHz == 1000000000, "the TSC counts virtual nanoseconds");
  std::uint64_t tsc = std::max(static_cast<std::uint64_t>(sched_.now().ns), last_tsc_ + 1);
  last_tsc_ = tsc;
  rdtsc_->complete(linear, tsc);
}

void Machine::hook_block(uc_engine*, std::uint64_t addr, std::uint32_t size, void* user) {
  auto* m = static_cast<Machine*>(user);
  ++m->blocks_;
  // Code run from blocks translated before a stretch is not read again: the stretch still depends on it.
  if (m->stretch_.active) m->cpu_->journal().note_exec(addr, size);
  // An interrupt window (`sti` ends a block, so the window's `nop; nop; cli` starts one): give it a code
  // hook, so that interrupts can be taken in it from its next pass on (interrupts.h).
  // Looked at once per block: the idle rule below asks the same question.
  const bool window = m->interrupt_window_at(addr);
  if (window) m->hook_window_at(static_cast<std::uint32_t>(addr));
  try {
    // A block with an RDTSC not yet trapped restarts at once (rdtsc_trap.h): it was not entered.
    if (m->rdtsc_->check_block(addr, size)) return;
  } catch (const GuestFault& f) {
    m->fault(f.kind(), f.what());
    return;
  }
  // A pending request where the guest runs with IF=1 and no trap (interrupts.h, at_block): it enters
  // the handler instead of this block, which then runs on the handler's return.
  std::uint64_t prev_end = m->prev_block_end_;
  m->prev_block_end_ = addr + size;
  // The master PIC's unmasked requests first, inline: nearly always none, and every block asks.
  const Pic& pic = m->ports_.pic();
  if ((pic.irr(0) & ~pic.imr(0)) && m->irq_->pending() && m->deliver_irq("block", [m, addr, prev_end] {
        return m->irq_->at_block(static_cast<std::uint32_t>(addr), m->shadow_before(prev_end));
      }))
    return;
  bool long_run = m->idle_.block();
  if (m->idle_.blocks_since_entry() > m->config_.watchdog_blocks && !m->stopping()) {
    m->fault("watchdog", "no host entry for " + std::to_string(m->config_.watchdog_blocks) + " translated blocks");
  } else if (long_run && window && !m->stopping()) {
    if (auto t = m->idle_.window(m->situation())) {
      ++m->stats_.timer_waits;
      m->idle_jump(*t);
    }
  } else if (!window && !m->stopping() && !(pic.irr(0) & ~pic.imr(0))) {
    // A REP MOVS/STOS: its remaining passes at once (rep_string.h), counted as the blocks they would have
    // been, up to the watchdog's bound. Only with no request pending: a pass could have taken it.
    try {
      const std::uint64_t passes = m->rep_string_->run(static_cast<std::uint32_t>(addr), size,
                                                       m->config_.watchdog_blocks - m->idle_.blocks_since_entry());
      m->blocks_ += passes;
      m->idle_.blocks(passes);
      m->stats_.string_passes += passes;
    } catch (const std::exception& e) {
      m->fault("internal_error", std::string("REP string instruction: ") + e.what());
    }
  }
}

void Machine::hook_window_at(std::uint32_t addr) {
  // A handful of sites in any NBP (iPXE has two); the bound keeps a guest that writes windows all over
  // memory from growing the hook list.
  constexpr size_t kMaxWindows = 32;
  if (window_hooks_.size() >= kMaxWindows) return;
  for (std::uint32_t a : window_hooks_)
    if (a == addr) return;
  window_hooks_.push_back(addr);
  uc_engine* uc = cpu_->uc();
  uc_hook h;
  // On the second `nop`: a PC recognises interrupts only after the instruction that follows `sti`.
  std::uint64_t at = std::uint64_t{addr} + 1;
  uc_err err = uc_hook_add(uc, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&Machine::hook_window), this, at, at);
  if (err == UC_ERR_OK) {
    hooks_.push_back(h);
    // The block at `addr` was translated without the hook: drop it so that its next pass is retranslated.
    err = uc_ctl_remove_cache(uc, std::uint64_t{addr}, std::uint64_t{addr} + 3);
  }
  if (err != UC_ERR_OK) fault("internal_error", std::string("interrupt window hook: ") + uc_strerror(err));
}

void Machine::hook_window(uc_engine*, std::uint64_t addr, std::uint32_t, void* user) {
  auto* m = static_cast<Machine*>(user);
  m->deliver_irq("window", [m, addr] { return m->irq_->at_window(static_cast<std::uint32_t>(addr)); });
}

void Machine::hook_irq_routine(uc_engine*, std::uint64_t addr, std::uint32_t, void* user) {
  auto* m = static_cast<Machine*>(user);
  // The BIOS's own interrupt handlers: not a service the guest asked for, so no host-entry cost and no
  // effect on the idle rule (guests that never take interrupts run as before).
  if (m->stopping()) return;
  try {
    m->bios_.irq_routine(static_cast<std::uint32_t>(addr));
  } catch (const GuestFault& f) {
    m->fault(f.kind(), f.what());
  }
}

bool Machine::shadow_before(std::uint64_t end) const {
  // The instruction that ended the previous block, if it holds interrupts off for one instruction: `sti`
  // (FB), `pop ss` (17) or `mov ss, r/m` (8E /2, 2 to 6 bytes with a displacement). Instruction
  // boundaries are unknown here, so any such byte pattern near the end counts: a false match only
  // delays the request by a block, a missed one would take it inside the shadow.
  if (end < 6 || end > cpu_->ram_size()) return true;
  const std::uint8_t* p = cpu_->ram() + end;
  if (p[-1] == 0xFB || p[-1] == 0x17) return true;
  for (int back = 2; back <= 6; ++back)
    if (p[-back] == 0x8E && ((p[-back + 1] >> 3) & 7) == 2) return true;
  return false;
}

bool Machine::interrupt_window_at(std::uint64_t addr) {
  // Straight from RAM: every translated block passes here (hook_block).
  if (addr + 2 >= cpu_->ram_size()) return false;
  const std::uint8_t* p = cpu_->ram() + addr;
  return p[0] == 0x90 && p[1] == 0x90 && p[2] == 0xFA;
}

bool Machine::hook_unmapped(uc_engine*, uc_mem_type, std::uint64_t addr, int, std::int64_t, void* user) {
  auto* m = static_cast<Machine*>(user);
  m->unmapped_addr_ = addr;
  m->unmapped_seen_ = true;
  return false;  // let Unicorn stop with the access error
}

}  // namespace bootsim
