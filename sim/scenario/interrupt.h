// Interrupted runs: SIGINT, SIGTERM and SIGHUP ask a scenario or sweep run to stop, not kill it, so the
// parent can stop its workers, write the reports with unfinished variants marked "interrupted" and exit
// 128 + the signal (130, 143, 129).
//
// The handlers are async-signal-safe: they record the signal in a sig_atomic_t and write one byte to a
// self-pipe; everything else happens in the normal flow, which polls received() and sleeps in
// wait_for_wake() (the pipe also wakes on SIGCHLD while a ChildWake lives, so a parent waiting for its
// workers needs no timeout to notice either).
#pragma once

#include <sys/types.h>

namespace bootsim::scenario::interrupt {

/// Catches SIGINT, SIGTERM and SIGHUP for as long as it lives (restores the previous handlers after).
/// Without one, received() stays 0 and the default actions apply.
class Catcher {
 public:
  Catcher();
  ~Catcher();
  Catcher(const Catcher&) = delete;
  Catcher& operator=(const Catcher&) = delete;
};

/// Wakes wait_for_wake() when a child exits, for as long as it lives.
class ChildWake {
 public:
  ChildWake();
  ~ChildWake();
  ChildWake(const ChildWake&) = delete;
  ChildWake& operator=(const ChildWake&) = delete;
};

/// The first signal the living Catcher caught (0: none, or no Catcher).
int received();
/// The exit detail of each machine of a boot that received() cut short (BootRunSpec::watch_stop_detail):
/// its trace then says why it ended there.
inline constexpr const char* kStopDetail = "interrupted: the run was stopped by a signal";
/// The exit code for received(): 128 + the signal.
int exit_code();

/// Sleeps until a caught signal, a child's exit (under ChildWake) or `timeout_ms` (-1: no limit).
void wait_for_wake(int timeout_ms);

/// In a freshly forked worker: SIGTERM (how the parent stops its workers) is caught, so received()
/// says SIGTERM and the worker's boot ends at its next event and writes what it has (its trace and
/// console logs: a run interrupted after a minute keeps that minute); SIGINT and SIGHUP take their
/// default actions (a worker is stopped by the parent, never asked by a terminal). Also its own process
/// group (`own_group`) so the parent can stop it with everything it forks, and death when `parent`
/// dies, however it dies (PR_SET_PDEATHSIG; checked against a parent that died before the call).
/// Returns false when the parent is already gone.
bool become_worker(pid_t parent, bool own_group);

}  // namespace bootsim::scenario::interrupt
