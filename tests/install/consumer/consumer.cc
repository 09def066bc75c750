// A user's program against an installed kvkit: it encodes a PUT with the
// codec and decodes it back, and, given a server's HOST:PORT, stores a key
// with the client library and reads it back. Prints one line per check and
// exits 0 only if every check held.
#include <cstdint>
#include <iostream>
#include <optional>
#include <span>
#include <string>

#include "client/kv_client.h"
#include "codec/frame_decoder.h"
#include "codec/frame_encoder.h"
#include "codec/message_builders.h"
#include "net/endpoint.h"

namespace {

// Encodes a PUT, feeds the bytes to a decoder and compares what comes out.
bool codec_round_trip() {
  const std::string wire = kv::encode_frame_to_string(kv::make_put("consumer-key", "value"));
  kv::FrameDecoder decoder;
  decoder.feed(std::span(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()));
  kv::Message decoded;
  const kv::DecodeResult result = decoder.next(decoded);
  const bool same = result.status == kv::DecodeStatus::kFrame &&
                    decoded.key() == "consumer-key" && decoded.value() == "value";
  std::cout << "codec round trip: " << (same ? "ok" : "FAILED") << '\n';
  return same;
}

// PUT then GET of one key on the server at `target`.
bool client_put_get(const kv::Endpoint& target) {
  kv::KvClient client(target, {});
  const kv::Reply stored = client.put("consumer-key", "from an installed kvkit");
  const kv::Reply found = client.get("consumer-key");
  const bool same = stored.outcome == kv::Outcome::kStored && found.outcome == kv::Outcome::kFound &&
                    found.value == "from an installed kvkit";
  std::cout << "client put/get: " << (same ? "ok" : "FAILED " + found.detail + stored.detail)
            << '\n';
  return same;
}

}  // namespace

int main(int argc, char** argv) {
  kv::silence_protobuf_logging();
  bool ok = codec_round_trip();
  if (argc > 1) {
    const std::optional<kv::Endpoint> target = kv::parse_endpoint(argv[1]);
    if (!target) {
      std::cerr << "usage: kvkit_consumer [HOST:PORT]\n";
      return 2;
    }
    ok = client_put_get(*target) && ok;
  }
  return ok ? 0 : 1;
}
