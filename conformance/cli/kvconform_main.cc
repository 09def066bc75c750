// kvconform: the conformance runner for the KV protocol. See README.md and
// conformance/README.md.
//
// kvconform SUBCOMMAND [options]; `kvconform SUBCOMMAND --help` lists a
// subcommand's own options (conformance/cli/kvconform_app.h). Without a
// subcommand, options go to `server`.
//
// Exit codes: 0 every MUST case passed (and every SHOULD with --strict),
// or nothing was found (explore), or the servers agree (diff); 1 a case
// failed or had an ERROR, or the servers differ; 2 usage error or target
// unreachable.
#include <string>
#include <vector>

#include "codec/message.h"
#include "conformance/cli/kvconform_app.h"

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  kv::cli::KvconformApp app;
  if (const auto done = app.parse(std::vector<std::string>(argv + 1, argv + argc))) return *done;
  return app.run();
}
