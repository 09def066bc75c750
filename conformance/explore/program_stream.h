// The programs of one explore seed, run several at a time. Most of an
// explore program's time is waiting (the pauses, slow reads and slow
// writes its steps ask for; see the "waits" statistics), so against a
// server of the concurrent profile (SPEC 11.3), which must serve its
// clients independently, running programs side by side multiplies the
// steps per second without changing a single program: program i of a seed
// is the same program however many run at once, with keys of its own
// (key_space.h). A server of the sequential profile serves one connection
// at a time, so its programs run one at a time.
//
// Programs are started in index order and reported in the order they
// finish. A program that stops the server (a terminate step) runs alone:
// it starts once those before it have finished, and none starts while it
// runs. A failing program is investigated alone: the caller stops
// starting new ones (pause()) and drains those in flight before it reruns
// anything.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>

#include "conformance/explore/program.h"
#include "conformance/explore/program_executor.h"
#include "conformance/explore/program_generator.h"

namespace kv {

// Programs run at once against a server of `profile`: 1 for the
// sequential profile, else 4, or KV_EXPLORE_PROGRAMS_AT_ONCE (1 to 16)
// when that is set, for measurements.
int programs_at_once(Profile profile);

class ProgramStream {
 public:
  // Runs one program (index, program) and returns what it did.
  using Runner = std::function<boost::asio::awaitable<ProgramRun>(const Program&, std::uint64_t)>;

  struct Finished {
    std::uint64_t index = 0;
    Program program;
    ProgramRun run;
  };

  // Programs `first`, `first` + 1, ... of `generator`'s seed, at most
  // `at_once` in flight. `runner` must stay valid while programs run.
  ProgramStream(boost::asio::any_io_executor executor, GeneratorConfig generator, int at_once,
                Runner runner, std::uint64_t first = 1);
  ProgramStream(const ProgramStream&) = delete;
  ProgramStream& operator=(const ProgramStream&) = delete;
  // Programs still in flight go on running, and the runner must outlive
  // them: drain first (pause(), then next() until std::nullopt).
  ~ProgramStream();

  // Fills the free places with new programs (unless paused), then waits
  // for the next program to finish. std::nullopt when none is in flight
  // and none may start.
  boost::asio::awaitable<std::optional<Finished>> next();

  // Starts no new program until resume(); next() still returns those in
  // flight.
  void pause() { paused_ = true; }
  void resume() { paused_ = false; }
  std::size_t in_flight() const { return state_->running; }

 private:
  // Shared with the running programs' completion handlers, which may
  // outlive a destroyed stream's wait.
  struct State {
    explicit State(boost::asio::any_io_executor executor) : wake(executor) {}
    boost::asio::steady_timer wake;
    std::deque<Finished> done;
    std::size_t running = 0;
    bool solo = false;  // The program running stops the server: it runs alone.
    std::exception_ptr error;  // A program that threw; next() rethrows it.
  };

  void start(std::uint64_t index, Program program);

  boost::asio::any_io_executor executor_;
  GeneratorConfig generator_;
  std::size_t at_once_;
  Runner runner_;
  std::uint64_t next_index_;
  bool paused_ = false;
  // The next program, drawn but not started yet (it waits to run alone).
  std::optional<Program> pending_;
  std::shared_ptr<State> state_;
};

}  // namespace kv
