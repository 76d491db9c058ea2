// One emulated PC: Unicorn CPU + RAM, BIOS, I/O ports, PXE ROM, NIC model, console and keyboard, booting
// a real NBP (Debian's undionly.kpxe) in virtual time.
//
// Time model (README "Virtual time"): every host entry (BIOS service, PXE call, port access, CPUID) costs
// `host_entry_cost` of virtual time; when the clock may jump ahead for a waiting guest (HLT, empty polls,
// clock reads, spinning on the clock) is decided by the idle rule, sim/machine/idle_rule.h. RDTSC returns
// virtual time at kTscHz (1 GHz: one count per virtual nanosecond; sim/cpu/rdtsc_trap.h shows how it is
// trapped): a read costs no virtual time but never returns the same value twice, and it is a clock read for
// the idle rule (time_read), so a loop that only reads the TSC still sees time pass. A calibration against
// PIT channel 2 (both derived from the one clock) measures exactly kTscHz.
// The CPU only leaves uc_emu_start at HLT or a fatal condition; everything else happens inside hooks.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "firmware/bios.h"
#include "firmware/host.h"
#include "firmware/io_ports.h"
#include "firmware/pxe_rom.h"
#include "firmware/smbios.h"
#include "nicmodels/nic.h"
#include "nicmodels/switch_port.h"
#include "sim/core/baton.h"
#include "sim/machine/console.h"
#include "sim/machine/interrupts.h"
#include "sim/machine/idle_rule.h"
#include "sim/machine/startup_snapshot.h"
#include "sim/machine/stretch_shelf.h"
#include "sim/cpu/cpu.h"
#include "sim/cpu/rdtsc_trap.h"
#include "sim/cpu/rep_string.h"
#include "sim/machine/keyboard.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim {

struct MachineConfig {
  std::string name = "pc0";
  std::vector<std::uint8_t> nbp;      ///< the NBP image, loaded at 0000:7C00 (empty with rom_phase)
  /// Run the PXE ROM's own DHCP + TFTP phase first; the NBP is the file it downloads.
  bool rom_phase = false;
  std::string nbp_path;               ///< for messages and the trace
  Mac mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  LinkProfile nic_profile;
  SwitchPortConfig switch_port;
  PxeRomConfig rom;
  std::vector<KeyTrigger> keys;
  std::uint64_t seed = 0;
  /// What the SMBIOS tables say (firmware/smbios.h); nullopt: SmbiosInfo::defaults(seed, mac). Its UUID is
  /// also the PXE ROM's client GUID (option 97), as on a real PC.
  std::optional<SmbiosInfo> smbios;
  std::uint32_t ram_bytes = 64u << 20;
  /// Virtual time the machine is switched on: run() waits until then before the ROM or NBP starts. The
  /// NIC and its switch port exist from the start (frames for it before then meet a closed NIC).
  SimTime power_on{};
  SimTime host_entry_cost = SimTime::from_us(50);
  /// When the clock may jump ahead for a waiting guest, and the switch that turns skipping off.
  IdleConfig idle;
  /// Abort-only watchdog: this many translated blocks with no host entry is a hung guest.
  std::uint64_t watchdog_blocks = 400000000;
};

/// How a run ended and what the guest looked like then.
struct RunResult {
  StopReason reason = StopReason::kNone;
  std::string detail;
  SimTime end_time{};
};

class Machine final : public FirmwareHost {
 public:
  /// Rate of the guest's time stamp counter: RDTSC returns virtual nanoseconds since power-on.
  static constexpr std::uint64_t kTscHz = 1000000000;
  /// RDTSC reads in a row with no other host entry that count as one host entry (a guest spinning on the
  /// TSC). Far above the two reads iPXE makes per PXE call.

  /// Builds the machine and loads the NBP. Throws std::runtime_error when the engine cannot be set up,
  /// InputError when the NBP does not fit in base memory.
  Machine(Scheduler& sched, Trace& trace, MachineConfig config);
  ~Machine() override;
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  /// Runs the machine until it stops or virtual time reaches `until`.
  RunResult run(SimTime until);

  /// Calls `watcher` after every byte the guest writes to the console, with the raw console so far,
  /// after this machine's own key triggers had their look at it. One watcher; nullptr removes it. It
  /// runs inside a CPU hook: it may call give_keys() and must not run or destroy the machine.
  void watch_console(std::function<void(const std::string& raw)> watcher) { console_watcher_ = std::move(watcher); }

  /// Types `keys` from now on, as if they had been configured: on a machine without keys of its own
  /// (std::logic_error otherwise). During run(), the first trigger is armed at once, and a console
  /// trigger the console already ends with fires at once: given from a console watcher, the machine
  /// continues exactly as a run configured with these keys would have at that character.
  void give_keys(std::vector<KeyTrigger> keys);

  /// Shares the clock with other machines (sim/core/baton.h): from now on this machine lets virtual time pass
  /// through `baton` as machine `index`, and run() must be called as body(index) of baton->run().
  /// Without a baton (one machine) the machine moves the scheduler itself. Call before run().
  void set_baton(Baton* baton, size_t index) {
    baton_ = baton;
    baton_index_ = index;
  }

  /// Shares start-up stretches with the other machines using `store` (startup_snapshot.h): this machine
  /// learns stretches into it and skips those another machine learned. nullptr (the default): neither.
  /// Call before run(); the store must outlive the run.
  void set_snapshots(StartupSnapshots* store) { snapshots_ = store; }
  /// True when this machine skipped a stretch by restoring another machine's snapshot.
  bool restored_from_snapshot() const { return restored_; }

  /// Ends the run at the next instruction boundary (from a trace listener or a scheduled event).
  void request_stop(StopReason reason, const std::string& detail) { stop(reason, detail); }

  Nic& nic() override { return *nic_; }
  /// The switch port the NIC's cable plugs into: what the wire attaches to (BootNetwork::attach).
  SwitchPort& switch_port() { return *port_; }
  Console& console() { return console_; }
  const PxeRom& rom() const { return *rom_; }
  PxeRom& rom() { return *rom_; }
  const std::string& name() const override { return config_.name; }

  /// Host-entry and fast-forward counters, for benchmarks and the exit event.
  struct Stats {
    std::uint64_t host_entries = 0, int_dispatches = 0, hlt_resumes = 0, idle_jumps = 0, emu_starts = 0;
    /// Clock jumps for a guest waiting on the clock with no host entry (interrupt windows, BDA reads).
    std::uint64_t timer_waits = 0;
    /// Passes of REP MOVS/STOS done at once by the host instead of the engine (sim/cpu/rep_string.h).
    std::uint64_t string_passes = 0;
  };
  /// Hardware interrupts taken by the guest (IRQ0 ticks and the NIC's IRQ), for tests and benchmarks.
  std::uint64_t interrupts_delivered() const { return irq_->delivered(); }
  const Stats& stats() const { return stats_; }

 private:
  // FirmwareHost
  Cpu& cpu() override { return *cpu_; }
  SimTime now() const override { return sched_.now(); }
  void trace(TraceRecord record) override;
  void console_put(std::uint8_t ch) override;
  std::optional<std::uint16_t> peek_key() override;
  std::optional<std::uint16_t> take_key() override;
  void push_key(std::uint16_t key) override { keyboard_.push(key); }
  void wait_for_event(SimTime deadline) override;
  void restart_nbp(const std::string& name, std::uint32_t size) override;
  void idle_poll() override { idle_.mark_poll(); }
  void quiet_key_check() override { idle_.mark_neutral(); }
  void time_read(SimTime changes_at) override;
  void stop(StopReason reason, const std::string& detail) override;
  bool stopping() const override { return stop_reason_ != StopReason::kNone; }

  // Unicorn hooks (static trampolines; user data is the Machine).
  static void hook_intr(uc_engine* uc, std::uint32_t intno, void* user);
  static void hook_int_stub(uc_engine* uc, std::uint64_t addr, std::uint32_t size, void* user);
  static void hook_pxe_entry(uc_engine* uc, std::uint64_t addr, std::uint32_t size, void* user);
  static void hook_rom_exit(uc_engine* uc, std::uint64_t addr, std::uint32_t size, void* user);
  static std::uint32_t hook_in(uc_engine* uc, std::uint32_t port, int size, void* user);
  static void hook_out(uc_engine* uc, std::uint32_t port, int size, std::uint32_t value, void* user);
  static int hook_cpuid(uc_engine* uc, void* user);
  static void hook_block(uc_engine* uc, std::uint64_t addr, std::uint32_t size, void* user);
  static void hook_irq_routine(uc_engine* uc, std::uint64_t addr, std::uint32_t size, void* user);
  static void hook_window(uc_engine* uc, std::uint64_t addr, std::uint32_t size, void* user);
  static bool hook_unmapped(uc_engine* uc, uc_mem_type type, std::uint64_t addr, int size, std::int64_t value,
                            void* user);

  void on_intr(std::uint32_t intno);
  void cpuid();
  /// The guest executed RDTSC at linear `linear` (from rdtsc_): a host entry that returns virtual time.
  void on_rdtsc(std::uint32_t linear);
  /// The guest read the clock (RDTSC), whether or not that was charged as a host entry. The one place
  /// the idle rule learns of it: today neutral, like an INT 16h check that finds no key.
  /// Wraps one host entry: charges its cost, runs `fn`, applies the idle rule, turns exceptions into stops.
  template <typename Fn>
  void host_entry(const char* what, std::uint32_t code, Fn&& fn);
  /// Lets virtual time pass until `t` (clamped to the run's limit). `until_event`: an idle wait that may end
  /// earlier, at the next scheduler event (only with a baton; alone, the caller already aimed at it).
  void advance_to(SimTime t, bool until_event = false);
  /// Lets the clock jump to `t` for a waiting guest (an idle rule's answer).
  void idle_jump(SimTime t);
  /// What the idle rule needs to know now.
  IdleSituation situation() const;
  /// Drives the PIC's inputs from the machine's state: a rising edge on IRQ0 for each new BIOS tick, the
  /// NIC's line (sim/machine/interrupts.h delivers what they request).
  void update_irq_lines();
  /// Runs one of InterruptDelivery's entry points (`at` names it in the trace), turning a bad guest stack
  /// into a fault. True when the guest took an interrupt.
  template <typename Fn>
  bool deliver_irq(const char* at, Fn&& fn);
  /// Gives the interrupt window at linear `addr` its code hook, once (interrupts.h).
  void hook_window_at(std::uint32_t addr);
  /// True when the block at linear `addr` is the `nop; nop; cli` that follows an `sti` (QEMU ends a block
  /// after sti): the window in which a real PC takes the timer interrupt.
  bool interrupt_window_at(std::uint64_t addr);
  /// Whether the block ending at linear `end` may end with an instruction with an interrupt shadow.
  bool shadow_before(std::uint64_t end) const;
  /// Writes pending placed text (INT 10h 09h/13h, stores into B8000h) to the console (Video::sync).
  void sync_screen();
  /// Ends this machine's console event (the trace holds it open while bytes arrive).
  void flush_console();
  void arm_next_trigger();
  void fire_trigger(size_t index);
  void fault(const std::string& kind, const std::string& what);
  std::string recent_calls() const;
  void start_nbp();
  /// The PXE ROM's base-code phase, host code in virtual time; false when it failed (run stops).
  bool run_rom_phase();
  void load_nbp();

  // Start-up snapshots (machine_snapshot.cpp). Called at the start and at the end of each host entry
  // made through a code hook at linear `pc`.
  void snapshot_entry_begin(std::uint32_t pc);
  void snapshot_entry_end(std::uint32_t pc);
  /// Ends a stretch being learned (it was not pure: a host entry, time passing, the CPU stopping).
  void end_stretch();
  /// True when this machine, here and now, is where `s` started, as far as the stretch can see.
  bool matches(const StretchSnapshot& s, std::uint32_t pc, const std::vector<std::uint8_t>& cpu) const;
  void restore(const StretchSnapshot& s);
  void publish(std::uint32_t end_pc, bool to_shelf);
  /// No more learning or matching: restored, published, or gave up.
  void settle_snapshots();

  Scheduler& sched_;
  Trace& trace_;
  MachineConfig config_;
  std::unique_ptr<Cpu> cpu_;
  std::unique_ptr<Nic> nic_;
  std::unique_ptr<SwitchPort> port_;
  Bios bios_;
  IoPorts ports_;
  std::unique_ptr<PxeRom> rom_;
  std::unique_ptr<InterruptDelivery> irq_;
  std::uint64_t irq0_tick_ = 0;                ///< the BIOS tick IRQ0 last pulsed for
  std::uint64_t prev_block_end_ = 0;            ///< linear end of the block that ran before this one
  std::vector<std::uint32_t> window_hooks_;    ///< interrupt windows that have their code hook
  std::unique_ptr<RdtscTrap> rdtsc_;
  std::unique_ptr<RepString> rep_string_;
  Console console_;
  Keyboard keyboard_;
  std::vector<uc_hook> hooks_;

  StartupSnapshots* snapshots_ = nullptr;
  bool snapshots_settled_ = false;
  bool restored_ = false;
  std::uint64_t blocks_ = 0;          ///< translated blocks entered (for the length of a stretch)
  std::uint64_t learn_entries_ = 0;   ///< code-hook entries spent learning
  std::uint64_t nbp_hash_ = 0;
  /// Where the stretch being learned started (valid while the page journal is armed).
  struct StretchStart {
    bool active = false;
    std::uint32_t pc = 0;
    std::vector<std::uint8_t> cpu;
    std::uint64_t host_entries = 0, blocks = 0, int_dispatches = 0, idle_jumps = 0, last_tsc = 0;
    SimTime now{};
    std::uint64_t irqs = 0;
    size_t rdtsc_sites = 0, windows = 0;
    bool claimed = false;         ///< on the run's shelf: this machine owes it the outcome
    StretchShelf::Key key;
  } stretch_;

  Baton* baton_ = nullptr;
  size_t baton_index_ = 0;
  SimTime until_ = SimTime::max();
  StopReason stop_reason_ = StopReason::kNone;
  std::string stop_detail_;
  bool faulted_ = false;
  Stats stats_;

  IdleRule idle_;
  std::uint64_t last_tsc_ = 0;  ///< the last value RDTSC returned
  std::uint64_t unmapped_addr_ = 0;
  /// Linear address of the instruction whose UC_HOOK_CODE callback is running, for fault reports.
  std::optional<std::uint32_t> hook_pc_;
  bool unmapped_seen_ = false;

  // Key triggers.
  size_t next_trigger_ = 0;
  bool trigger_armed_ = false;
  Scheduler::EventId trigger_event_ = 0;
  bool started_ = false;  ///< run() has armed the configured keys
  std::function<void(const std::string&)> console_watcher_;

  // The last host entries, for fault diagnostics.
  struct Call {
    const char* what;
    std::uint32_t code;
    SimTime t;
  };
  std::array<Call, 8> recent_{};
  size_t recent_pos_ = 0;
};

}  // namespace bootsim
