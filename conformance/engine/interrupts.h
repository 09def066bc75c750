// Stop signals during a run: SIGTERM (CI's timeout, a supervisor), SIGINT
// (Ctrl-C) and SIGHUP (a closed terminal).
//  * The first one interrupts the run through RunControl: no new check
//    starts, the checks running are stopped, the server kvconform started
//    is stopped, every check without a verdict is ERROR "not run:
//    kvconform was interrupted by SIGTERM", the requested reports are
//    written (partial), and kvconform exits with 128 + the signal's number
//    (143 for SIGTERM, 130 for SIGINT, 129 for SIGHUP).
//  * A second one exits at once with the same code, without reports, after
//    killing (SIGKILL) the process group of every process kvconform
//    started (ChildProcess::kill_all_groups()).
// Not covered: SIGKILL of kvconform itself, which no process can catch;
// the servers and adapters it started then live on until killed (each is
// the leader of its own process group, so `kill -- -PGID` ends one).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "conformance/engine/run_control.h"

namespace kv {

class InterruptHandler {
 public:
  // Catches SIGTERM, SIGINT and SIGHUP from now on; the first goes to
  // `control`. One handler at a time per process.
  InterruptHandler(boost::asio::any_io_executor executor, RunControl& control);
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;
  // Restores the signals' default actions. A signal caught but not yet
  // passed on is lost with it: the run is over by then.
  ~InterruptHandler();

 private:
  void wait_for_signal();

  RunControl& control_;
  boost::asio::posix::stream_descriptor pipe_;
  unsigned char signal_ = 0;
};

// The exit code of a run interrupted by `signal`: 128 + its number.
inline int interrupted_exit_code(int signal) {
  return 128 + signal;
}

}  // namespace kv
