// kvconform's command line (conformance/cli/): options bound to config
// structs take their defaults from the struct and repeat only what changed
// in the rerun line; each subcommand takes only its own options; the old
// mode flags are refused.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "conformance/cli/bound_options.h"
#include "conformance/cli/kvconform_app.h"

namespace kv::cli {
namespace {

struct Settings {
  int jobs = 4;
  double scale = 1.0;
  std::chrono::milliseconds drip{50};
  std::string command;
  bool strict = false;
  bool confirm = true;
};

struct Bound {
  Settings settings;
  CLI::App app;
  BoundOptions<Settings> options{app, settings};

  Bound() {
    options.option(
        "--jobs", [](auto& s) -> auto& { return s.jobs; }, "jobs", Rerun::kOmit);
    options.option(
        "--scale", [](auto& s) -> auto& { return s.scale; }, "scale", Rerun::kRepeat);
    options.option(
        "--drip-ms", [](auto& s) -> auto& { return s.drip; }, "drip", Rerun::kRepeat);
    options.option(
        "--exec", [](auto& s) -> auto& { return s.command; }, "exec", Rerun::kRepeat);
    options.flag(
        "--strict", [](auto& s) -> auto& { return s.strict; }, "strict", Rerun::kRepeat);
    options.flag(
        "--no-confirm", [](auto& s) -> auto& { return s.confirm; }, "no confirm", Rerun::kRepeat,
        false);
  }

  void parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    app.parse(args);
  }
};

TEST(CliBoundOptions, HelpShowsTheDefaultOfTheStruct) {
  Bound bound;
  const std::string help = bound.app.help();
  EXPECT_NE(help.find("jobs (default 4)"), std::string::npos) << help;
  EXPECT_NE(help.find("scale (default 1)"), std::string::npos) << help;
  EXPECT_NE(help.find("drip (default 50)"), std::string::npos) << help;
  // An empty default is not shown.
  EXPECT_EQ(help.find("exec (default"), std::string::npos) << help;
}

TEST(CliBoundOptions, ParsesIntoTheFields) {
  Bound bound;
  bound.parse({"--jobs", "8", "--scale", "2.5", "--drip-ms", "70", "--exec", "s --port {port}",
               "--strict", "--no-confirm"});
  EXPECT_EQ(bound.settings.jobs, 8);
  EXPECT_EQ(bound.settings.scale, 2.5);
  EXPECT_EQ(bound.settings.drip, std::chrono::milliseconds(70));
  EXPECT_EQ(bound.settings.command, "s --port {port}");
  EXPECT_TRUE(bound.settings.strict);
  EXPECT_FALSE(bound.settings.confirm);
}

TEST(CliBoundOptions, RerunRepeatsOnlyWhatDiffersFromTheDefault) {
  Bound untouched;
  untouched.parse({"--jobs", "8"});  // kOmit: never repeated.
  EXPECT_EQ(untouched.options.rerun_arguments(), "");

  Bound defaults_given;
  defaults_given.parse({"--scale", "1", "--drip-ms", "50"});
  EXPECT_EQ(defaults_given.options.rerun_arguments(), "");

  Bound changed;
  changed.parse(
      {"--drip-ms", "70", "--exec", "it's --port {port}", "--no-confirm", "--scale", "0.5"});
  EXPECT_EQ(changed.options.rerun_arguments(),
            " --scale 0.5 --drip-ms 70 --exec 'it'\\''s --port {port}' --no-confirm");
}

TEST(CliBoundOptions, APlainWordIsNotQuoted) {
  EXPECT_EQ(option_text(std::string("127.0.0.1:7070")), "127.0.0.1:7070");
  EXPECT_EQ(option_text(std::string("[::1]:7070")), "'[::1]:7070'");
  EXPECT_EQ(option_text(std::string("")), "");
}

TEST(CliCommandLine, OptionsWithoutASubcommandGoToServer) {
  using Args = std::vector<std::string>;
  EXPECT_EQ(with_default_subcommand({"--target", "h:1"}), (Args{"server", "--target", "h:1"}));
  EXPECT_EQ(with_default_subcommand({"list"}), Args{"list"});
  EXPECT_EQ(with_default_subcommand({"--help"}), Args{"--help"});
  EXPECT_EQ(with_default_subcommand({"--version"}), Args{"--version"});
  EXPECT_EQ(with_default_subcommand({}), Args{});
}

TEST(CliCommandLine, TheOldModeFlagsAreRecognised) {
  for (const char* flag : {"--explore", "--replay=x.json", "--differential", "--client-exec",
                           "--client", "--list", "--by-rule", "--explain"}) {
    const RemovedFlag* removed = removed_flag({"--target", "h:1", flag});
    ASSERT_NE(removed, nullptr) << flag;
    EXPECT_NE(removed->instead.find("kvconform "), std::string_view::npos);
  }
  EXPECT_EQ(removed_flag({"--target", "h:1", "--exec", "--list-models"}), nullptr);
}

// Parses `args` as kvconform would, without running anything: the exit
// code when the command line is done with, or -1 when a subcommand would
// run next.
int parse_only(std::vector<std::string> args) {
  KvconformApp app;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const auto done = app.parse(std::move(args));
  testing::internal::GetCapturedStdout();
  testing::internal::GetCapturedStderr();
  return done ? *done : -1;
}

TEST(CliCommandLine, EachSubcommandTakesOnlyItsOwnOptions) {
  for (const char* sub : {"server", "client", "explore", "replay", "diff", "list", "explain"}) {
    EXPECT_EQ(parse_only({sub, "--help"}), 0) << sub;
  }
  EXPECT_EQ(parse_only({"server", "--exec", "s {port}", "--drain-ms", "4000"}), -1);
  EXPECT_EQ(parse_only({"--exec", "s {port}", "--jobs", "2"}), -1);
  EXPECT_EQ(parse_only({"explore", "--exec", "s {port}", "--budget-s", "2"}), -1);
  EXPECT_EQ(parse_only({"explore", "--exec", "s {port}", "--drain-ms", "4000"}), 2);
  EXPECT_EQ(parse_only({"server", "--exec", "s {port}", "--budget-s", "2"}), 2);
  EXPECT_EQ(parse_only({"diff", "--target", "a:1", "--target", "b:2", "--jobs", "2"}), 2);
  EXPECT_EQ(parse_only({"client"}), 2);  // --exec is required.
  EXPECT_EQ(parse_only({"list", "--client", "--by-rule"}), 2);
  EXPECT_EQ(parse_only({"--explore", "--exec", "s {port}"}), 2);
  EXPECT_EQ(parse_only({"server", "--list"}), 2);
  EXPECT_EQ(parse_only({"--version"}), 0);
  EXPECT_EQ(parse_only({}), 2);  // A subcommand (or an option for server) is needed.
}

}  // namespace
}  // namespace kv::cli
