// The deliberate defects broken_kvserver can be started with. Each flaw
// breaks exactly one rule of spec/RULES.outline.md; kNone breaks nothing.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace kv {

enum class Flaw {
  kNone,
  // Framing (SPEC 2, 3).
  kOneReadOneFrame,      // 2.5: parses each read() as exactly one frame.
  kScanForFooter,        // 2.4: finds frame ends by searching for "@EOF@".
  kFirstFramePerRead,    // 2.5: handles the first frame of each read only.
  kNoFooterCheck,        // 2.2: accepts any five footer bytes.
  kNoLengthCap,          // 3.2: no maximum LEN; waits for the claimed body.
  kIgnoreMaxFrameBytes,  // 3.1: ignores --max-frame-bytes, keeps 4 MiB.
  kMaxLenExclusive,      // 3.1: rejects LEN equal to the maximum.
  // Semantics (SPEC 5).
  kWrongMissStatus,     // 5.3: answers a GET miss with status Ok.
  kCloseOnUnknownKind,  // 5.6: answers an unknown kind, then closes the connection.
  kOverwriteIgnored,    // 5.1: a PUT to an existing key keeps the old value.
  kEmptyKeyRejected,    // 5.5: answers PUT and GET of the empty key NotOk.
  // Errors (SPEC 6).
  kApplyTruncated,      // 6.5: applies a PUT cut by EOF inside its footer.
  kIgnoreBadBodyClose,  // 6.4: closes on a bad body instead of answering.
  kNoErrorClose,        // 6.1: never closes after a framing error.
  kSlowClose,           // 6.1: closes after a framing error only after 3 s.
  // Pipelining, half-close, output (SPEC 8, 5.7).
  kDropOnHalfClose,      // 8.2: on FIN, closes without answering.
  kReorderResponses,     // 5.7: answers each read's frames in reverse order.
  kTruncateLargeWrites,  // 8.1: sends at most 64 KiB of a response, then closes.
  // Timeouts (SPEC 9).
  kIdleKillFast,  // 9.2: closes after 80 ms without a complete frame.
  // Concurrency (SPEC 10, 11).
  kHeadOfLine,           // 11.3: a global lock is held while a frame arrives.
  kLostUpdates,          // 10.3: PUT is an unlocked read-copy-modify-write.
  kPerConnectionStore,   // 5.8, 10.2: each connection has a store of its own.
  kConnectionReadCache,  // 10.1: GET answers from a per-connection cache.
  kRejectWhileBusy,      // 11.2: closes new connections while one is served.
  // More semantics (SPEC 5).
  kAckEchoesRequest,    // 5.1: the PUT ack carries the key and value.
  kEmptyValueIsMiss,    // 5.5: a stored empty value is answered as a miss.
  kGetWithValueStores,  // 5.4: a GET carrying a value stores it.
  kPutChecksStatus,     // 5.4: a PUT with status NotOk is refused.
  kNonAsciiRejected,    // 5.2: keys or values with non-ASCII bytes are refused.
  // More bodies and messages (SPEC 4).
  kRejectUnknownFields,    // 4.2: a body with unknown fields is a bad body.
  kUnknownStatusRejected,  // 4.2: a status other than Ok/NotOk is a bad body.
  kFirstFieldWins,         // 4.2: the first occurrence of a repeated field wins.
  kMinimalVarintsOnly,     // 4.2: a non-minimal varint is a bad body.
  kUtf8Unchecked,          // 4.3: invalid UTF-8 in key or value is accepted.
  kExplicitDefaults,       // 4.5: responses spell out default-valued fields.
  // More errors and output (SPEC 6.5, 8.1).
  kHangOnTruncation,    // 6.5: EOF inside a frame waits for the idle timeout.
  kBoundedOutputQueue,  // 8.1: drops responses beyond 256 per read.
  // Connection lifecycle (SPEC 5.7, 5.8, 7).
  kStopAfterPause,  // 5.7: stops answering a connection idle for 220 ms.
  kAcceptLimit,     // 7.1: closes every connection after the 64th.
  kCrashOnHugeLen,  // 7.2: aborts on a LEN above the maximum.
  kSigpipeKills,    // 7.4: dies of SIGPIPE when writing to a reset peer.
  // Misbehaviour the runner must attribute right (issue 9's trust tests).
  kWedgeAfterClose,       // 7.2: stops answering everyone once a client closes.
  kWedgeOnBadFooter,      // 7.2: stops answering everyone after a bad footer.
  kCrashOnLen0,           // 7.2: aborts on a LEN 0 header.
  kCrashNoRebind,         // 7.2: crash-on-len-0, without SO_REUSEADDR.
  kDesyncLeaksResponses,  // 2.5: bytes after a read's first frame get an
                          // error response, shifting every later response.
  // Flaws kvconform explore found first. The first two now have fixed
  // cases too (5.2/long-keys-common-prefix, 8.1/twenty-thousand-small-
  // frames); stale-pipelined-read is failed by explore alone
  // (tests/conformance/explore_only_flaws.txt).
  kTruncateLongKeys,    // 5.2: keys are cut to 256 bytes, so long keys collide.
  kReadFrameLimit,      // 5.7: at most 4096 frames of one read are handled; the
                        // rest of that read is dropped.
  kStalePipelinedRead,  // 10.1: a GET that is not the first frame of its read
                        // is answered from what this connection saw before.
  // Flaws at the edges of rules (issue 10).
  kUtf8BmpOnly,                // 4.3: a key or value with a 4-byte UTF-8 sequence
                               // (a code point above U+FFFF) is a bad body.
  kNulTerminatedKeys,          // 5.1: keys are compared up to their first U+0000.
  kTimeoutWhileOutputPending,  // 9.3: closes a connection 1 s after its last
                               // input byte, even while its responses are
                               // still being written.
  kMidFrameTimeout80ms,        // 9.2: closes a connection that delivers no byte for
                               // 80 ms while a frame is partly received.
  kDropLastOnFin,              // 8.2: when the peer's FIN follows a read at once, the
                               // last frame of that read is applied but not answered.
  kDropOnBackpressure,         // 8.1: a response that finds the socket's send buffer
                               // full is dropped instead of waited for.
  // Shutdown (SPEC 12.5, 12.6).
  kExitOnSigterm,        // 12.5: exits at once on SIGTERM, with no drain.
  kDrainDropsPartial,    // 12.5: the drain sends no error response for a
                         // trailing partial frame.
  kSecondSignalIgnored,  // 12.6: a second SIGTERM does not cut the drain short;
                         // only the drain time ends it.
  // What users assume (issue 22): exact storage, order of effect, no
  // effect from rejected requests, no leaks, no write-side blocking.
  kFoldKeyCase,             // 5.9: keys are compared with ASCII letters lower-cased.
  kTrimKeyWhitespace,       // 5.9: keys are compared with ASCII whitespace trimmed
                            // from both ends.
  kNfcKeys,                 // 5.9: keys are compared in NFC (a composition table
                            // for the spellings the 5.9 case writes, and Hangul).
  kCrlfToLfValues,          // 5.9: values are stored with each CR LF turned into LF.
  kBadBodyAppliesFields,    // 6.7: a bad body whose fields before the fault make a
                            // PUT is applied, though answered {kind 0, NotOk}.
  kUnknownKindApplies,      // 6.7: a message of an unknown kind with a key is
                            // stored as a PUT, though answered {kind K, NotOk}.
  kRejectExplicitDefaults,  // 4.5: a body with a field written with its default
                            // value is a bad body.
  kLeakSlotOnErrorPaths,    // 7.5: of 1024 connection slots, only a connection
                            // ended by the peer's FIN between frames frees its
                            // slot; once they are gone, new connections are
                            // closed at once.
  kIdleTimeout5s,           // 9.4: closes a connection idle for 5 s (the stated
                            // idle timeout is 10 s).
  kReadsBeforeWrites,       // 10.4: the GETs of one read are answered from the
                            // store as it was before that read's PUTs.
  kWritesBeforeReads,       // 10.4: the PUTs of one read are applied before its
                            // GETs are answered, so a GET sees a later PUT.
  kPipelineInReverse,       // 10.4: the requests of one read take effect in
                            // reverse order (responses still in order).
  kGlobalWriteLock,         // 11.4: one lock is held while any connection's
                            // responses are written, so a slow reader stalls all.
  // Degradation over a run (issue 19: the engine's run-wide findings).
  kSlowerEveryConnection,  // 7.1: every connection that ends (after the 16th)
                           // makes each later response batch wait 5 ms
                           // longer, as a server that leaks with every
                           // connection.
};

// The flaw's command-line name, e.g. "one-read-one-frame".
std::string_view flaw_name(Flaw flaw);

// The inverse of flaw_name(); std::nullopt for an unknown name.
std::optional<Flaw> flaw_from_name(std::string_view name);

// Every flaw, kNone first.
const std::vector<Flaw>& all_flaws();

}  // namespace kv
