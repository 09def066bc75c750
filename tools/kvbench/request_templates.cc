#include "tools/kvbench/request_templates.h"

#include <cstring>
#include <span>
#include <stdexcept>

#include "codec/frame_encoder.h"
#include "codec/frame_format.h"
#include "codec/message_builders.h"

namespace kv {
namespace {

std::string resp_bulk(std::string_view text) {
  std::string out(1, '$');
  out.append(std::to_string(text.size()));
  out.append("\r\n");
  out.append(text);
  out.append("\r\n");
  return out;
}

// The kv PUT body ends with the value, then the kind field (2 bytes), then
// the footer; the RESP SET ends with the value and CRLF.
std::size_t trailer_after_value(WireProtocol protocol) {
  return protocol == WireProtocol::kKv ? 2 + kFooterBytes : 2;
}

}  // namespace

std::string_view wire_protocol_name(WireProtocol protocol) {
  return protocol == WireProtocol::kKv ? "kv" : "resp";
}

std::string encode_put_request(WireProtocol protocol, std::string_view key,
                               std::string_view value) {
  if (protocol == WireProtocol::kKv) return encode_frame_to_string(make_put(key, value));
  return "*3\r\n$3\r\nSET\r\n" + resp_bulk(key) + resp_bulk(value);
}

std::string encode_get_request(WireProtocol protocol, std::string_view key) {
  if (protocol == WireProtocol::kKv) return encode_frame_to_string(make_get(key));
  return "*2\r\n$3\r\nGET\r\n" + resp_bulk(key);
}

RequestTemplates::RequestTemplates(WireProtocol protocol, const WorkloadShape& shape)
    : shape_(shape) {
  const std::string filler = make_filler_value(shape.value_size);
  value_offset_from_end_ = shape.value_size + trailer_after_value(protocol);
  keys_.reserve(shape.keyspace);
  puts_.reserve(shape.keyspace);
  gets_.reserve(shape.keyspace);
  for (std::uint64_t i = 0; i < shape.keyspace; ++i) {
    keys_.push_back(make_key(shape.first_key + i, shape.key_size));
    puts_.push_back(encode_put_request(protocol, keys_.back(), filler));
    gets_.push_back(encode_get_request(protocol, keys_.back()));
    const std::string& put = puts_.back();
    // The stamping below relies on the layout; check it once per frame.
    if (put.size() < value_offset_from_end_ ||
        put.compare(put.size() - value_offset_from_end_, filler.size(), filler) != 0) {
      throw std::logic_error("kvbench: unexpected PUT frame layout");
    }
  }
}

void RequestTemplates::append_put(std::uint64_t index, std::uint64_t stamp, Buffer& out) const {
  const std::string& frame = puts_[index];
  out.ensure_writable(frame.size());
  std::uint8_t* start = out.write_ptr();
  std::memcpy(start, frame.data(), frame.size());
  write_stamp(stamp, std::span(start + frame.size() - value_offset_from_end_, shape_.value_size));
  out.commit(frame.size());
}

void RequestTemplates::append_get(std::uint64_t index, Buffer& out) const {
  out.append(gets_[index]);
}

}  // namespace kv
