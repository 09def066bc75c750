// Command-line options bound to the fields of one config struct.
//
// The member initializers of the engine's config structs (RunOptions,
// RunnerConfig, ExploreConfig, ClientRunOptions, ...) are the only place a
// default is written: an option parses straight into its field, --help
// shows the field's value in a default-constructed struct, and
// rerun_arguments() repeats exactly the options whose value differs from
// that default. Every subcommand builds its rerun line this way.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <concepts>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace kv::cli {

// Whether the rerun line of a case repeats the option: kRepeat for what
// changes a verdict (the target, its settings, the timeouts), kOmit for
// what only changes how the run is done or shown (jobs, report files).
enum class Rerun { kRepeat, kOmit };

// A string in single quotes for /bin/sh: `it's` becomes 'it'\''s'.
std::string shell_quote(const std::string& text);

// A value as kvconform's command line takes it: a string is quoted for
// /bin/sh unless it is one plain word ("" stays "").
std::string option_text(const std::string& value);
std::string option_text(double value);
std::string option_text(std::chrono::milliseconds value);
template <std::integral T>
std::string option_text(T value) {
  return std::to_string(value);
}

// The options of one config struct. `Config` must be default-constructible:
// a default-constructed Config is what "default" means. A field is named
// by a callable that takes a Config& (or a const Config&) and returns a
// reference to the field, e.g. [](auto& c) -> auto& { return c.jobs; }.
template <class Config>
class BoundOptions {
 public:
  // Binds options of `app` to the fields of `config`, which must outlive
  // the parse.
  BoundOptions(CLI::App& app, Config& config) : app_(app), config_(config) {}

  // An option with a value. A std::chrono::milliseconds field takes a
  // count of milliseconds. The help ends with the default unless the
  // field's default is empty.
  template <class Field>
  CLI::Option* option(const std::string& name, Field field, const std::string& help, Rerun rerun) {
    using T = std::remove_cvref_t<decltype(field(config_))>;
    T& target = field(config_);
    CLI::Option* added = nullptr;
    if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
      added = app_.add_option_function<long long>(
          name, [&target](long long ms) { target = std::chrono::milliseconds(ms); }, help);
    } else {
      added = app_.add_option(name, target, help);
    }
    if constexpr (!std::is_same_v<T, std::vector<std::string>>) {
      remember(name, rerun, false, [field](const Config& c) { return option_text(field(c)); });
      const std::string shown = option_text(field(defaults()));
      if (!shown.empty()) added->description(help + " (default " + shown + ")");
    }
    return added;
  }

  // An option whose value is one of `names`, e.g. {"concurrent",
  // Profile::kConcurrent}.
  template <class Field, class T = std::remove_cvref_t<std::invoke_result_t<Field, Config&>>>
  CLI::Option* choice(const std::string& name, Field field, std::map<std::string, T> names,
                      const std::string& help, Rerun rerun) {
    const auto text = [field, names](const Config& c) {
      for (const auto& [word, value] : names) {
        if (value == field(c)) return word;
      }
      return std::string();
    };
    std::string words;
    for (const auto& entry : names) words += (words.empty() ? "" : "|") + entry.first;
    CLI::Option* added = app_.add_option(name, field(config_), help)
                             ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
                             ->option_text(words);
    added->description(help + " (default " + text(defaults()) + ")");
    remember(name, rerun, false, text);
    return added;
  }

  // A flag that sets a bool field to `when_given` (false for "--no-X").
  template <class Field>
  CLI::Option* flag(const std::string& name, Field field, const std::string& help, Rerun rerun,
                    bool when_given = true) {
    bool& target = field(config_);
    CLI::Option* added = app_.add_flag_callback(
        name, [&target, when_given] { target = when_given; }, help);
    remember(name, rerun, true,
             [field](const Config& c) { return std::string(field(c) ? "1" : ""); });
    return added;
  }

  // " --name value" for every kRepeat option whose value in `config`
  // differs from the default, in the order the options were added; a flag
  // stands alone.
  std::string rerun_arguments() const {
    std::string out;
    for (const Entry& entry : entries_) {
      const std::string value = entry.text(config_);
      if (value == entry.text(defaults())) continue;
      out += " " + entry.name;
      if (!entry.is_flag) out += " " + value;
    }
    return out;
  }

 private:
  struct Entry {
    std::string name;
    bool is_flag = false;
    std::function<std::string(const Config&)> text;
  };

  static const Config& defaults() {
    static const Config kDefaults{};
    return kDefaults;
  }

  void remember(const std::string& name, Rerun rerun, bool is_flag,
                std::function<std::string(const Config&)> text) {
    if (rerun != Rerun::kRepeat) return;
    // The long name alone: "-v,--verbose" is repeated as "--verbose".
    const std::string long_name = name.substr(name.rfind(',') + 1);
    entries_.push_back({long_name, is_flag, std::move(text)});
  }

  CLI::App& app_;
  Config& config_;
  std::vector<Entry> entries_;
};

}  // namespace kv::cli
