// Model-based test of FrameDecoder (RapidCheck state machine): random
// sequences of feed(), next(), next_view() and finish() over a generated
// stream, each result checked against the whole-buffer reference decoder
// applied to the bytes fed so far (SPEC 2.5, 3.2, 6.1, 6.4, 6.5).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "codec/decoded_stream.h"
#include "codec/frame_decoder.h"
#include "tests/codec/frame_bytes.h"
#include "tests/codec/reference_decoder.h"
#include "tests/codec/stream_generators.h"

namespace kv::test {
namespace {

constexpr std::size_t kSmallFeedBytes = 8;

struct DecoderModel {
  std::shared_ptr<const std::string> stream;
  std::uint32_t max_frame_len = kDefaultMaxFrameLen;
  // Bytes of the stream fed so far.
  std::size_t fed = 0;
  // Frames and bad bodies next() has returned so far.
  std::size_t taken = 0;
  // next() has returned the framing error the fed bytes hold.
  bool failure_seen = false;
  // finish() has been called; nothing more is fed.
  bool finished = false;

  std::string_view fed_bytes() const { return std::string_view(*stream).substr(0, fed); }
  ReferenceDecode reference() const { return reference_decode(fed_bytes(), max_frame_len); }
};

using DecoderCommand = rc::state::Command<DecoderModel, FrameDecoder>;

class FeedBytes final : public DecoderCommand {
 public:
  explicit FeedBytes(const DecoderModel& model) {
    const std::size_t remaining = model.stream->size() - model.fed;
    count_ = *rc::gen::weightedOneOf<std::size_t>(
        {{3, rc::gen::inRange<std::size_t>(0, std::min(remaining, kSmallFeedBytes) + 1)},
         {1, rc::gen::inRange<std::size_t>(0, remaining + 1)}});
  }

  void checkPreconditions(const DecoderModel& model) const override {
    RC_PRE(!model.finished && count_ <= model.stream->size() - model.fed);
  }
  void apply(DecoderModel& model) const override { model.fed += count_; }
  void run(const DecoderModel& model, FrameDecoder& decoder) const override {
    decoder.feed(as_bytes(std::string_view(*model.stream).substr(model.fed, count_)));
  }
  void show(std::ostream& os) const override { os << "FeedBytes(" << count_ << ")"; }

 private:
  std::size_t count_ = 0;
};

// One call of next() or, for BodyParser::kView, next_view(): both must
// report what the reference decoder (protobuf) finds.
template <BodyParser kParser>
class Next final : public DecoderCommand {
 public:
  void apply(DecoderModel& model) const override {
    const ReferenceDecode reference = model.reference();
    if (model.taken < reference.results.size()) {
      ++model.taken;
    } else if (reference.failure) {
      model.failure_seen = true;
    }
  }
  void run(const DecoderModel& model, FrameDecoder& decoder) const override {
    RC_ASSERT(next_event(decoder) == expected(model));
  }
  void show(std::ostream& os) const override {
    os << (kParser == BodyParser::kView ? "NextView" : "Next");
  }

 private:
  static std::optional<StreamEvent> next_event(FrameDecoder& decoder) {
    if constexpr (kParser == BodyParser::kView) {
      MessageView view;
      const DecodeResult result = decoder.next_view(view);
      return event_of(result, fields_of(view));
    } else {
      Message message;
      const DecodeResult result = decoder.next(message);
      return event_of(result, fields_of(message));
    }
  }

  // The event the call must report; std::nullopt for kNeedMore.
  static std::optional<StreamEvent> expected(const DecoderModel& model) {
    const ReferenceDecode reference = model.reference();
    if (model.taken < reference.results.size()) return reference.results[model.taken];
    if (reference.failure) return *reference.failure;
    if (model.finished) return reference_finish(reference, model.fed_bytes());
    return std::nullopt;
  }
};

// finish() is only called where its contract allows: once next() has
// nothing left to return but kNeedMore or the framing error.
class Finish final : public DecoderCommand {
 public:
  void checkPreconditions(const DecoderModel& model) const override {
    const ReferenceDecode reference = model.reference();
    RC_PRE(model.taken == reference.results.size() && (!reference.failure || model.failure_seen));
  }
  void apply(DecoderModel& model) const override { model.finished = true; }
  void run(const DecoderModel& model, FrameDecoder& decoder) const override {
    const DecodeResult result = decoder.finish();
    RC_ASSERT(event_of(result, {}) == reference_finish(model.reference(), model.fed_bytes()));
  }
  void show(std::ostream& os) const override { os << "Finish"; }
};

RC_GTEST_PROP(FrameDecoderModel, FeedNextFinishMatchReferenceDecoder_Rule2_5_Rule6_5, ()) {
  DecoderModel initial;
  initial.max_frame_len = *gen_max_frame_len();
  initial.stream = std::make_shared<const std::string>(*gen_mixed_stream(initial.max_frame_len));
  FrameDecoder decoder(DecoderOptions{initial.max_frame_len});
  rc::state::check(initial, decoder, [](const DecoderModel& model) {
    return rc::state::gen::execOneOfWithArgs<FeedBytes, Next<BodyParser::kMessage>,
                                             Next<BodyParser::kView>, Finish>()(model);
  });
}

}  // namespace
}  // namespace kv::test
