// The deliberate defects broken_client_adapter can be started with. Each
// flaw is one classic client bug and breaks rules of SPEC section 13;
// kNone breaks nothing. expected_failures.txt lists the cases each fails.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace kv {

enum class ClientFlaw {
  kNone,
  // Requests (13.1).
  kPutWrongKind,  // Sends PUT requests with kind 1.
  // Reassembly and pipelining (13.2, 13.3).
  kOneReadOneFrame,  // Takes the bytes of one read() as exactly one frame.
  kScanForFooter,    // Finds a frame's end by searching for "@EOF@".
  kPairsInReverse,   // Pairs a batch's responses with its requests in reverse.
  // Encodings (13.4).
  kRejectsUnknownFields,     // A body with unknown fields is a bad body.
  kMinimalVarintsOnly,       // A non-minimal varint is a bad body.
  kFirstFieldWins,           // The first occurrence of a repeated field wins.
  kRejectsExplicitDefaults,  // A field written with its default value is a bad body.
  // Limits and framing (13.5, 13.6).
  kTrustsLen,            // No maximum LEN: waits for the claimed body.
  kMax1Mib,              // A fixed maximum LEN of 1 MiB.
  kShortLenAsEmptyBody,  // LEN below 5 is read as a frame with an empty body.
  kNoFooterCheck,        // Accepts any five footer bytes.
  kReusesConnection,     // Keeps using a connection after a framing error.
  // Bodies (13.7).
  kUtf8Unchecked,     // Invalid UTF-8 in key or value is accepted.
  kCrashesOnBadBody,  // Aborts on a body that does not parse.
  // Answers (13.8).
  kIgnoresKind,          // Never looks at kind: any PUT answer is stored.
  kMissIsError,          // Reports a GET miss (status NotOk) as an error response.
  kKeyNotChecked,        // Takes a GET response for another key.
  kUnknownStatusIsMiss,  // A status other than Ok is a miss.
  // End of stream (13.9).
  kClosedIsMiss,       // A close before the response is a miss.
  kResetIsClosed,      // Reports a reset as closed.
  kHangsOnTruncation,  // At EOF inside a frame, waits for ever.
  // Timeouts and connecting (13.10, 13.11).
  kNoTimeout,              // Waits for a response without bound.
  kConnectErrorIsTimeout,  // Reports a refused connection as timeout.
};

// The flaw's command-line name, e.g. "one-read-one-frame".
std::string_view client_flaw_name(ClientFlaw flaw);
// The inverse of client_flaw_name(); std::nullopt for an unknown name.
std::optional<ClientFlaw> client_flaw_from_name(std::string_view name);
// Every flaw, kNone first.
const std::vector<ClientFlaw>& all_client_flaws();

}  // namespace kv
