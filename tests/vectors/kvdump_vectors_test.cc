// Runs the built kvdump (KVDUMP_PATH) on every spec/vectors stream and checks
// its stdout, parsed line by line as JSON, and its exit status against the
// vector (SPEC 6.6). Also checks kvdump's command-line contract.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/child_process.h"
#include "tests/vectors/vector_corpus.h"

namespace kv::test {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kTimeout{10000};

struct KvdumpRun {
  std::vector<std::string> lines;
  int exit_status = -1;  // -1 if kvdump did not exit normally in time.
};

// Waits, bounded by kTimeout, for `child` to close its stdout and exit.
KvdumpRun collect(ChildProcess& child) {
  KvdumpRun run;
  while (auto line = child.read_line(kTimeout)) run.lines.push_back(*line);
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (child.running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  const int status = child.stop();
  if (status >= 0 && WIFEXITED(status)) run.exit_status = WEXITSTATUS(status);
  return run;
}

KvdumpRun run_kvdump(const std::vector<std::string>& arguments) {
  std::vector<std::string> argv{KVDUMP_PATH};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::error_code error;
  ChildProcess child = ChildProcess::spawn(argv, error);
  if (error) {
    ADD_FAILURE() << "cannot start kvdump: " << error.message();
    return {};
  }
  return collect(child);
}

// A file holding `bytes`, removed when this goes out of scope.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& bytes)
      : path_(std::filesystem::path(::testing::TempDir()) / name) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    written_ = static_cast<bool>(out);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  bool written() const { return written_; }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
  bool written_ = false;
};

nlohmann::json parse_lines(const std::vector<std::string>& lines) {
  nlohmann::json events = nlohmann::json::array();
  for (const std::string& line : lines) {
    events.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
  }
  return events;
}

class KvdumpVectorTest : public ::testing::TestWithParam<TestVector> {};

TEST_P(KvdumpVectorTest, PrintsTheExpectedEvents) {
  const TestVector& vector = GetParam();
  const TempFile input("kvdump_" + test_name_of(vector.id) + ".bin", vector.bytes);
  ASSERT_TRUE(input.written()) << "cannot write " << input.path();
  const KvdumpRun run =
      run_kvdump({"--max-frame-bytes", std::to_string(vector.max_frame_len), input.path()});
  const nlohmann::json events = parse_lines(run.lines);
  EXPECT_EQ(events, vector.expect) << vector.id << "\n  got:  " << events.dump()
                                   << "\n  want: " << vector.expect.dump();
  EXPECT_EQ(run.exit_status, expected_kvdump_status(vector.expect)) << vector.id;
}

INSTANTIATE_TEST_SUITE_P(Spec, KvdumpVectorTest, ::testing::ValuesIn(spec_vector_corpus().vectors),
                         [](const ::testing::TestParamInfo<TestVector>& info) {
                           return test_name_of(info.param.id);
                         });

// The worked example of SPEC 2.1, PUT k=v.
const std::string kPutFrame("\x0d\x00\x00\x00\x0a\x01\x6b\x12\x01\x76\x18\x03@EOF@", 17);

TEST(KvdumpCommandLine, ReadsStdinForDash) {
  const TempFile input("kvdump_stdin.bin", kPutFrame + kPutFrame.substr(0, 3));
  ASSERT_TRUE(input.written());
  std::error_code error;
  ChildProcess child =
      ChildProcess::spawn_shell(std::string("exec '") + KVDUMP_PATH + "' - < '" + input.path() + "'",
                                error);
  ASSERT_FALSE(error) << error.message();
  const KvdumpRun run = collect(child);
  const auto want = nlohmann::json::parse(
      R"([{"offset":0,"len":13,"key":"k","value":"v","kind":3,"status":0},
          {"offset":17,"error":"truncated"}])");
  EXPECT_EQ(parse_lines(run.lines), want);
  EXPECT_EQ(run.exit_status, 1);
}

TEST(KvdumpCommandLine, RejectsMaxFrameBytesOutOfRange) {
  for (const char* bad : {"4", "0", "-1", "2147483648", "lots"}) {
    const KvdumpRun run = run_kvdump({"--max-frame-bytes", bad, "/dev/null"});
    EXPECT_EQ(run.exit_status, 2) << bad;
    EXPECT_TRUE(run.lines.empty()) << bad;
  }
}

TEST(KvdumpCommandLine, AcceptsTheEndsOfTheMaxFrameBytesRange) {
  for (const char* good : {"5", "2147483647"}) {
    EXPECT_EQ(run_kvdump({"--max-frame-bytes", good, "/dev/null"}).exit_status, 0) << good;
  }
}

TEST(KvdumpCommandLine, FailsWithStatusTwoOnAMissingFile) {
  const KvdumpRun run = run_kvdump({"/nonexistent/kvdump-input"});
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_TRUE(run.lines.empty());
}

}  // namespace
}  // namespace kv::test
