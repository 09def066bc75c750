#include "frame_source.h"

#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "codec/buffer.h"
#include "codec/frame_decoder.h"
#include "codec/frame_format.h"
#include "codec/utf8.h"
#include "field_scanner.h"

namespace kv {
namespace {

FrameEvent parse_body(std::span<const std::uint8_t> body, Message& message) {
  const bool parsed = message.ParseFromArray(body.data(), static_cast<int>(body.size()));
  return parsed ? FrameEvent::kFrame : FrameEvent::kBadBody;
}

bool is_footer(std::span<const std::uint8_t> bytes) {
  return std::equal(bytes.begin(), bytes.end(), kFooter.begin(), kFooter.end());
}

// Sets the message field `field` stands for, without any validation.
void assign_field(const ScannedField& field, Message& message) {
  switch (field.number) {
    case 1:
      message.set_key(std::string(field.bytes));
      break;
    case 2:
      message.set_value(std::string(field.bytes));
      break;
    case 3:
      message.set_kind(static_cast<std::uint32_t>(field.varint));
      break;
    case 4:
      message.set_status(static_cast<Status>(field.varint));
      break;
    default:
      break;
  }
}

// The correct source: the codec's incremental decoder.
class DecoderSource : public FrameSource {
 public:
  explicit DecoderSource(std::uint32_t max_frame_len) : decoder_(DecoderOptions{max_frame_len}) {}

  void on_read(std::span<const std::uint8_t> bytes) override { decoder_.feed(bytes); }

  FrameEvent next(Message& message) override {
    const DecodeResult result = decoder_.next(message);
    last_error_ = result.error;
    last_len_ = result.len;
    switch (result.status) {
      case DecodeStatus::kFrame:
        return FrameEvent::kFrame;
      case DecodeStatus::kBadBody:
        return FrameEvent::kBadBody;
      case DecodeStatus::kNeedMore:
        return FrameEvent::kNeedMore;
      case DecodeStatus::kFramingError:
        break;
    }
    return FrameEvent::kFramingError;
  }

  std::span<const std::uint8_t> partial() override {
    return decoder_.failed() ? std::span<const std::uint8_t>{} : decoder_.input().readable();
  }

  FrameError last_error() const override { return last_error_; }
  std::uint32_t last_len() const override { return last_len_; }

 protected:
  // Forgets every buffered byte.
  void drop_input() { decoder_ = FrameDecoder(decoder_.options()); }
  bool has_input() const { return !decoder_.input().empty(); }

 private:
  FrameDecoder decoder_;
  FrameError last_error_ = FrameError::kTruncated;
  std::uint32_t last_len_ = 0;
};

// desync-leaks-responses (SPEC 2.5): whatever follows a read's first
// complete frame in that read is thrown away and answered with one error
// response, so every later response on the connection is one place late.
class DesyncLeaksResponsesSource final : public DecoderSource {
 public:
  using DecoderSource::DecoderSource;

  void on_read(std::span<const std::uint8_t> bytes) override {
    DecoderSource::on_read(bytes);
    frames_in_read_ = 0;
  }

  FrameEvent next(Message& message) override {
    if (frames_in_read_ > 0 && has_input()) {
      drop_input();
      return FrameEvent::kBadBody;
    }
    const FrameEvent event = DecoderSource::next(message);
    if (event == FrameEvent::kFrame || event == FrameEvent::kBadBody) ++frames_in_read_;
    return event;
  }

 private:
  int frames_in_read_ = 0;
};

// first-frame-per-read (SPEC 2.5): after one frame, the rest of the read
// that completed it is thrown away.
class FirstFramePerReadSource final : public DecoderSource {
 public:
  using DecoderSource::DecoderSource;

  void on_read(std::span<const std::uint8_t> bytes) override {
    DecoderSource::on_read(bytes);
    frames_left_in_read_ = 1;
  }

  FrameEvent next(Message& message) override {
    if (frames_left_in_read_ == 0) {
      drop_input();
      return FrameEvent::kNeedMore;
    }
    const FrameEvent event = DecoderSource::next(message);
    if (event == FrameEvent::kFrame || event == FrameEvent::kBadBody) --frames_left_in_read_;
    return event;
  }

 private:
  int frames_left_in_read_ = 0;
};

// one-read-one-frame (SPEC 2.5): every read() is taken to be exactly one
// whole frame; a short read yields a cut body, extra bytes are dropped.
class OneReadOneFrameSource final : public FrameSource {
 public:
  explicit OneReadOneFrameSource(std::uint32_t max_frame_len) : max_frame_len_(max_frame_len) {}

  void on_read(std::span<const std::uint8_t> bytes) override {
    read_.assign(bytes.begin(), bytes.end());
  }

  FrameEvent next(Message& message) override {
    if (failed_) return FrameEvent::kFramingError;
    if (read_.empty()) return FrameEvent::kNeedMore;
    std::vector<std::uint8_t> frame = std::move(read_);
    read_.clear();
    if (frame.size() < kHeaderBytes) frame.resize(kHeaderBytes, 0);  // Missing bytes read as 0.
    const std::uint32_t len = read_frame_len(frame.data());
    if (len < kMinFrameLen || len > max_frame_len_) {
      failed_ = true;
      return FrameEvent::kFramingError;
    }
    const std::size_t whole = kHeaderBytes + std::size_t{len};
    const std::size_t body_end = std::min(frame.size(), whole - kFooterBytes);
    if (frame.size() >= whole &&
        !is_footer(std::span(frame).subspan(whole - kFooterBytes, kFooterBytes))) {
      failed_ = true;
      return FrameEvent::kFramingError;
    }
    return parse_body(std::span(frame).subspan(kHeaderBytes, body_end - kHeaderBytes), message);
  }

  std::span<const std::uint8_t> partial() override { return {}; }

 private:
  std::uint32_t max_frame_len_;
  std::vector<std::uint8_t> read_;
  bool failed_ = false;
};

// A hand-written LEN-prefixed splitter whose steps are hooks; each framing
// flaw below overrides one of them. The hooks' defaults follow the spec.
class SplitterSource : public FrameSource {
 public:
  explicit SplitterSource(std::uint32_t max_frame_len) : max_frame_len_(max_frame_len) {}

  void on_read(std::span<const std::uint8_t> bytes) override { input_.append(bytes); }

  FrameEvent next(Message& message) override {
    if (failed_) return FrameEvent::kFramingError;
    if (input_.readable_bytes() < kHeaderBytes) return FrameEvent::kNeedMore;
    const std::uint32_t len = read_frame_len(input_.peek());
    if (len < kMinFrameLen || len > max_len()) return fail();
    const std::optional<std::size_t> frame_bytes = whole_frame_bytes(len);
    if (!frame_bytes) return FrameEvent::kNeedMore;
    const auto frame = input_.readable().first(*frame_bytes);
    if (!footer_ok(frame.last(kFooterBytes))) return fail();
    const FrameEvent event =
        parse(frame.subspan(kHeaderBytes, *frame_bytes - kHeaderBytes - kFooterBytes), message);
    input_.consume(*frame_bytes);
    return event;
  }

  std::span<const std::uint8_t> partial() override {
    return failed_ ? std::span<const std::uint8_t>{} : input_.readable();
  }

 protected:
  // The largest legal LEN.
  virtual std::uint64_t max_len() const { return max_frame_len_; }

  // Whether the five bytes after the body are a valid footer.
  virtual bool footer_ok(std::span<const std::uint8_t> footer) const { return is_footer(footer); }

  // The size of the frame at the front of the input whose header says
  // `len`, or std::nullopt until all of it is buffered.
  virtual std::optional<std::size_t> whole_frame_bytes(std::uint32_t len) const {
    const std::size_t size = kHeaderBytes + std::size_t{len};
    if (input_.readable_bytes() < size) return std::nullopt;
    return size;
  }

  // Parses a well-framed body into `message`.
  virtual FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const {
    return parse_body(body, message);
  }

  std::span<const std::uint8_t> buffered() const { return input_.readable(); }

 private:
  FrameEvent fail() {
    failed_ = true;
    return FrameEvent::kFramingError;
  }

  std::uint32_t max_frame_len_;
  Buffer input_;
  bool failed_ = false;
};

// scan-for-footer (SPEC 2.4): the frame ends at the first "@EOF@" after the
// header, wherever LEN says it ends.
class ScanForFooterSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  std::optional<std::size_t> whole_frame_bytes(std::uint32_t /*len*/) const override {
    const auto bytes = buffered();
    const auto found =
        std::search(bytes.begin() + kHeaderBytes, bytes.end(), kFooter.begin(), kFooter.end());
    if (found == bytes.end()) return std::nullopt;
    return static_cast<std::size_t>(found - bytes.begin()) + kFooterBytes;
  }
};

// no-footer-check (SPEC 2.2): any five bytes are taken as the footer.
class NoFooterCheckSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  bool footer_ok(std::span<const std::uint8_t> /*footer*/) const override { return true; }
};

// no-length-cap (SPEC 3.2): any LEN is legal; the server waits for the body.
class NoLengthCapSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  std::uint64_t max_len() const override { return std::numeric_limits<std::uint32_t>::max(); }
};

// reject-unknown-fields (SPEC 4.2): a body with unknown fields is refused.
class RejectUnknownFieldsSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const override {
    const FrameEvent event = parse_body(body, message);
    if (event == FrameEvent::kFrame &&
        !message.GetReflection()->GetUnknownFields(message).empty()) {
      return FrameEvent::kBadBody;
    }
    return event;
  }
};

// unknown-status-rejected (SPEC 4.2): a status outside the enum is refused.
class UnknownStatusRejectedSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const override {
    const FrameEvent event = parse_body(body, message);
    if (event == FrameEvent::kFrame && !Status_IsValid(message.status())) {
      return FrameEvent::kBadBody;
    }
    return event;
  }
};

// first-field-wins (SPEC 4.2): of a field written twice, the first counts.
class FirstFieldWinsSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const override {
    const FrameEvent event = parse_body(body, message);
    if (event != FrameEvent::kFrame) return event;
    std::vector<bool> seen(5, false);
    scan_fields(body, [&](const ScannedField& field) {
      if (field.number >= seen.size() || seen[field.number]) return;
      seen[field.number] = true;
      assign_field(field, message);
    });
    return event;
  }
};

// minimal-varints-only (SPEC 4.2): a varint with redundant continuation
// bytes makes the body bad.
class MinimalVarintsOnlySource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const override {
    const FrameEvent event = parse_body(body, message);
    if (event != FrameEvent::kFrame) return event;
    bool non_minimal = false;
    scan_fields(body, [&](const ScannedField& field) { non_minimal |= field.non_minimal; });
    return non_minimal ? FrameEvent::kBadBody : event;
  }
};

// utf8-unchecked (SPEC 4.3): a body that protobuf refuses is read field by
// field without checking that key and value are UTF-8.
class Utf8UncheckedSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const override {
    const FrameEvent event = parse_body(body, message);
    if (event == FrameEvent::kFrame) return event;
    message.Clear();
    const bool scanned =
        scan_fields(body, [&](const ScannedField& field) { assign_field(field, message); });
    return scanned ? FrameEvent::kFrame : FrameEvent::kBadBody;
  }
};

// utf8-bmp-only (SPEC 4.3): a key or value that holds a 4-byte UTF-8
// sequence (lead byte f0 to f4, a code point above U+FFFF) is refused, as by
// a validator written for UTF-16's basic plane.
class Utf8BmpOnlySource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const override {
    const FrameEvent event = parse_body(body, message);
    if (event != FrameEvent::kFrame) return event;
    const auto has_4_byte_lead = [](const std::string& text) {
      return std::any_of(text.begin(), text.end(),
                         [](char c) { return static_cast<unsigned char>(c) >= 0xF0; });
    };
    if (has_4_byte_lead(message.key()) || has_4_byte_lead(message.value())) {
      return FrameEvent::kBadBody;
    }
    return event;
  }
};

// bad-body-applies-fields (SPEC 6.7): a body that does not parse comes
// with the message its fields made up to the fault (the first field that
// does not scan, or a key or value that is not UTF-8), as a parser that
// fills the request while it reads leaves it; the connection applies it.
class PartialFieldsSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const override {
    const FrameEvent event = parse_body(body, message);
    if (event == FrameEvent::kFrame) return event;
    message.Clear();
    bool stopped = false;
    scan_fields(body, [&](const ScannedField& field) {
      // A known field number with the wrong wire type is an unknown field.
      const bool is_string = field.number == 1 || field.number == 2;
      const bool right_type = field.wire_type == (is_string ? 2U : 0U);
      stopped = stopped || (is_string && right_type && !is_valid_utf8(field.bytes));
      if (!stopped && right_type) assign_field(field, message);
    });
    return FrameEvent::kBadBody;
  }
};

// reject-explicit-defaults (SPEC 4.5): a key or value written as an empty
// string, or a kind or status written as 0, makes the body bad.
class RejectExplicitDefaultsSource final : public SplitterSource {
 public:
  using SplitterSource::SplitterSource;

 protected:
  FrameEvent parse(std::span<const std::uint8_t> body, Message& message) const override {
    const FrameEvent event = parse_body(body, message);
    if (event != FrameEvent::kFrame) return event;
    bool explicit_default = false;
    scan_fields(body, [&](const ScannedField& field) {
      const bool known = field.number >= 1 && field.number <= 4;
      const bool empty_string = field.wire_type == 2 && field.bytes.empty();
      const bool zero = field.wire_type == 0 && field.varint == 0;
      explicit_default = explicit_default || (known && (empty_string || zero));
    });
    return explicit_default ? FrameEvent::kBadBody : event;
  }
};

}  // namespace

std::unique_ptr<FrameSource> make_frame_source(Flaw flaw, std::uint32_t max_frame_len) {
  switch (flaw) {
    case Flaw::kOneReadOneFrame:
      return std::make_unique<OneReadOneFrameSource>(max_frame_len);
    case Flaw::kFirstFramePerRead:
      return std::make_unique<FirstFramePerReadSource>(max_frame_len);
    case Flaw::kDesyncLeaksResponses:
      return std::make_unique<DesyncLeaksResponsesSource>(max_frame_len);
    case Flaw::kScanForFooter:
      return std::make_unique<ScanForFooterSource>(max_frame_len);
    case Flaw::kNoFooterCheck:
      return std::make_unique<NoFooterCheckSource>(max_frame_len);
    case Flaw::kNoLengthCap:
      return std::make_unique<NoLengthCapSource>(max_frame_len);
    case Flaw::kRejectUnknownFields:
      return std::make_unique<RejectUnknownFieldsSource>(max_frame_len);
    case Flaw::kUnknownStatusRejected:
      return std::make_unique<UnknownStatusRejectedSource>(max_frame_len);
    case Flaw::kFirstFieldWins:
      return std::make_unique<FirstFieldWinsSource>(max_frame_len);
    case Flaw::kMinimalVarintsOnly:
      return std::make_unique<MinimalVarintsOnlySource>(max_frame_len);
    case Flaw::kUtf8Unchecked:
      return std::make_unique<Utf8UncheckedSource>(max_frame_len);
    case Flaw::kUtf8BmpOnly:
      return std::make_unique<Utf8BmpOnlySource>(max_frame_len);
    case Flaw::kBadBodyAppliesFields:
      return std::make_unique<PartialFieldsSource>(max_frame_len);
    case Flaw::kRejectExplicitDefaults:
      return std::make_unique<RejectExplicitDefaultsSource>(max_frame_len);
    case Flaw::kIgnoreMaxFrameBytes:
      return std::make_unique<DecoderSource>(kDefaultMaxFrameLen);
    case Flaw::kMaxLenExclusive:
      return std::make_unique<DecoderSource>(std::max(kMinFrameLen, max_frame_len - 1));
    default:
      return std::make_unique<DecoderSource>(max_frame_len);
  }
}

}  // namespace kv
