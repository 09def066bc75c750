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
  // Data (13.1, 13.8 with 4.3 and 5.5).
  kNulTerminatedStrings,  // Keys and values are C strings: cut at U+0000, sent and read.
  kKeysCutAt255,          // Sends keys cut to 255 bytes.
  kStripsWhitespace,      // Trims ASCII whitespace from both ends of the values it reads.
  kControlCharsDropped,   // Drops control characters from the values it reads.
  kLatin1Decoding,        // Reads values as Latin-1: non-ASCII comes back double-encoded.
  kBmpOnly,               // A 4-byte UTF-8 sequence in a response is a bad body.
  kValuesCutAt64k,        // Values read are cut to 65535 bytes.
  kEmptyValueIsMiss,      // A hit with an empty value is a miss.
  // Keys of responses (13.8).
  kKeyComparedAsCString,  // Compares a response's key with the request's up to U+0000.
  kKeyCaseInsensitive,    // Compares keys ignoring ASCII case.
  kKeyPrefixMatch,        // Takes a response whose key starts with the request's.
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
  kMaxLenExclusive,      // LEN equal to the maximum is length-too-large.
  kSignedLen,            // Reads LEN as a signed int32: 2^31 and above are too small.
  kLen5TooSmall,         // LEN 5 (an empty body) is length-too-small.
  kFooterFirstByteOnly,  // Checks only the footer's first byte.
  kFooterNotAwaited,     // A frame is complete once its body is in; the footer is skipped later.
  kMax1Mib,              // A fixed maximum LEN of 1 MiB.
  kShortLenAsEmptyBody,  // LEN below 5 is read as a frame with an empty body.
  kNoFooterCheck,        // Accepts any five footer bytes.
  kReusesConnection,     // Keeps using a connection after a framing error.
  // Bodies (13.7).
  kUtf8Unchecked,          // Invalid UTF-8 in key or value is accepted.
  kCrashesOnBadBody,       // Aborts on a body that does not parse.
  kUtf8StructureOnly,      // Checks UTF-8 structure only: overlong, surrogates, > U+10FFFF pass.
  kTruncatedFieldIgnored,  // A body cut inside a field keeps the fields before it.
  kNoGroupSupport,         // A body with a group (wire types 3, 4) is a bad body.
  kBadBodyNotConsumed,     // Leaves a bad body's frame in its buffer: the next read finds it again.
  // Answers (13.8).
  kIgnoresKind,              // Never looks at kind: any PUT answer is stored.
  kMissIsError,              // Reports a GET miss (status NotOk) as an error response.
  kKeyNotChecked,            // Takes a GET response for another key.
  kUnknownStatusIsMiss,      // A status other than Ok is a miss.
  kPutIgnoresStatus,         // Any {kind: 3} acknowledges a PUT, whatever its status.
  kErrorResponseNeedsNotOk,  // {kind: 0} is an error response only with status NotOk.
  kAckBytesCompared,         // An acknowledgement must be the canonical bytes 18 03.
  // End of stream (13.9).
  kClosedIsMiss,       // A close before the response is a miss.
  kResetIsClosed,      // Reports a reset as closed.
  kHangsOnTruncation,  // At EOF inside a frame, waits for ever.
  // Timeouts and connecting (13.10, 13.11).
  kNoTimeout,              // Waits for a response without bound.
  kConnectErrorIsTimeout,  // Reports a refused connection as timeout.
  kTimeoutPerRead,         // Restarts its timeout at every read that brings bytes.
  // Connections (13.13).
  kCloseIsNoop,                   // The command close does nothing.
  kCloseLeaksConnection,          // close forgets the connection without closing it.
  kKeepsBufferAcrossConnections,  // Unread bytes of the old connection are read on the new.
  kNoReconnectAfterClose,         // After the server ended a connection, keeps using it.
  kReusesAfterTimeout,            // After a timeout, reads the next frame as the next answer.
};

// The flaw's command-line name, e.g. "one-read-one-frame".
std::string_view client_flaw_name(ClientFlaw flaw);
// The inverse of client_flaw_name(); std::nullopt for an unknown name.
std::optional<ClientFlaw> client_flaw_from_name(std::string_view name);
// Every flaw, kNone first.
const std::vector<ClientFlaw>& all_client_flaws();

}  // namespace kv
