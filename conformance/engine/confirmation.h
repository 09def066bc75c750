// Confirmation: a failure is reported only after the case failed again
// when rerun alone (a fresh connection, and under --exec a fresh server).
// This file holds the rule that turns the two runs into one verdict.
#pragma once

#include "conformance/engine/case_result.h"

namespace kv {

// How the first run of a case ended, as the runner saw it.
enum class FirstRun {
  kValid,        // The server was healthy before and after it.
  kOverlapped,   // The server crashed or stopped answering while it ran
                 // (maybe because of another case): its verdict is void.
};

// The verdict of a case from its first run and its rerun alone:
// - first run void (kOverlapped): the rerun's verdict;
// - both failed: the rerun's verdict and details (reproducible with the
//   rerun line), or the first's if the rerun is only an ERROR;
// - the first failed and the rerun passed: FLAKY (a SHOULD case:
//   LENIENT), with the first run's details: never a pass;
// - the first passed: the first (a passing case is rerun only when void).
// Every run is listed in `runs`, and a note says how the verdict was reached.
CaseReport merge_confirmation(CaseReport first, CaseReport rerun, FirstRun how);

}  // namespace kv
