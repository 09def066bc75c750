#!/usr/bin/env python3
"""Regenerates the test vectors of spec/vectors/*.jsonl.

The .jsonl files are the source of truth and are committed; this script is
only a convenience for writing them. It uses the Python standard library
alone and hand-encodes the few protobuf bytes the vectors need, so that a
vector's bytes never depend on a protobuf library's choices.

Usage: python3 spec/vectors/generate.py [OUTPUT_DIR]   (default: beside it)
"""

import json
import os
import sys

FOOTER = b"@EOF@"
DEFAULT_MAX = 4 * 1024 * 1024

# Field numbers and wire types of KeyValueMessage (spec/kv.proto).
KEY, VALUE, KIND, STATUS = 1, 2, 3, 4
VARINT, FIXED64, LENGTH_DELIMITED, START_GROUP, END_GROUP, FIXED32 = 0, 1, 2, 3, 4, 5


# --- Protobuf encoding, by hand -------------------------------------------

def varint(n, width=None):
    """The base-128 varint of n >= 0; `width` pads it non-minimally."""
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte)
        if n == 0:
            break
    if width is not None:
        assert width >= len(out)
        while len(out) < width:
            out[-1] |= 0x80
            out.append(0)
    for i in range(len(out) - 1):
        out[i] |= 0x80
    return bytes(out)


def tag(field, wire_type):
    return varint(field << 3 | wire_type)


def string_field(field, data):
    data = data.encode() if isinstance(data, str) else data
    return tag(field, LENGTH_DELIMITED) + varint(len(data)) + data


def varint_field(field, n):
    return tag(field, VARINT) + varint(n)


def body(key="", value="", kind=0, status=0):
    """The canonical proto3 encoding: fields in order, defaults omitted."""
    out = b""
    if key:
        out += string_field(KEY, key)
    if value:
        out += string_field(VALUE, value)
    if kind:
        out += varint_field(KIND, kind)
    if status:
        # An enum is an int32: negative values take ten bytes.
        out += varint_field(STATUS, status & 0xFFFFFFFFFFFFFFFF)
    return out


def header(length):
    return length.to_bytes(4, "little")


def frame(body_bytes, footer=FOOTER):
    return header(len(body_bytes) + len(FOOTER)) + body_bytes + footer


# --- Streams and their expected events --------------------------------------

class Stream:
    """Accumulates a byte stream and the events a decoder must report."""

    def __init__(self):
        self.data = b""
        self.events = []

    def frame(self, body_bytes, key="", value="", kind=0, status=0):
        """A well-framed, valid body; the fields are what it decodes to."""
        self.events.append({"offset": len(self.data), "len": len(body_bytes) + 5,
                            "key": key, "value": value, "kind": kind, "status": status})
        self.data += frame(body_bytes)
        return self

    def msg(self, key="", value="", kind=0, status=0):
        """A canonical frame of the given message."""
        return self.frame(body(key, value, kind, status), key, value, kind, status)

    def bad_body(self, body_bytes):
        self.events.append({"offset": len(self.data), "len": len(body_bytes) + 5,
                            "error": "bad-body"})
        self.data += frame(body_bytes)
        return self

    def fail(self, error_class, raw):
        """Raw bytes that start a frame the decoder rejects with error_class."""
        self.events.append({"offset": len(self.data), "error": error_class})
        self.data += raw
        return self

    def raw(self, raw):
        """Bytes with no event of their own (e.g. after a framing error)."""
        self.data += raw
        return self


VECTORS = {}


def vector(vid, rule, description, stream, splits=None, max_frame_len=None):
    topic = vid.split("/")[0]
    entry = {"id": vid, "rule": rule, "description": description}
    if max_frame_len is not None:
        entry["max_frame_len"] = max_frame_len
    entry["hex"] = stream.data.hex()
    if splits:
        assert splits == sorted(set(splits)), "splits must be strictly increasing"
        assert 0 < splits[0] and splits[-1] < len(stream.data), "splits must cut the stream"
        entry["splits"] = splits
    entry["expect"] = stream.events
    VECTORS.setdefault(topic, []).append(entry)


def put_kv():
    return Stream().msg("k", "v", 3)


PUT_KV = frame(body("k", "v", 3))  # 17 bytes: the worked example of SPEC 2.1.
TRUNC = "truncated"


# --- framing ----------------------------------------------------------------

def framing():
    vector("framing/put-k-v", "2.1",
           "The worked example: PUT k=v, one frame in one read.", put_kv())
    vector("framing/put-ack", "5.1",
           "The acknowledgement of a PUT: kind 3, status Ok, no key, no value.",
           Stream().msg(kind=3))
    vector("framing/get-request", "4.6", "GET k: kind 1 with the key only.",
           Stream().msg("k", kind=1))
    vector("framing/get-hit-response", "5.2", "The answer to GET k on a hit.",
           Stream().msg("k", "v", 2))
    vector("framing/get-miss-response", "5.3",
           "The answer to GET k on a miss: status NotOk, value empty.",
           Stream().msg("k", kind=2, status=1))
    vector("framing/error-response", "6.4",
           "The error response: kind 0, status NotOk.", Stream().msg(status=1))
    for cut in range(1, len(PUT_KV)):
        vector(f"framing/split-at-{cut}", "2.5",
               f"PUT k=v delivered in two reads, cut after byte {cut}.", put_kv(), [cut])
    vector("framing/byte-by-byte", "2.5", "PUT k=v delivered one byte per read.",
           put_kv(), list(range(1, len(PUT_KV))))
    coalesced = Stream().msg("k", "v", 3).msg("k", kind=1).msg("k", "v", 2)
    vector("framing/coalesced-three", "2.5",
           "A PUT, a GET and a GET_RESPONSE arriving in one read.", coalesced)
    vector("framing/coalesced-cut-mid-frames", "2.5",
           "Three frames in reads that each end inside a different frame.",
           Stream().msg("k", "v", 3).msg("k", kind=1).msg("k", "v", 2), [6, 20, 33])
    vector("framing/len-5-empty-body", "2.3",
           "LEN 5: an empty body, which decodes to the all-default message (kind 0).",
           Stream().frame(b""))
    vector("framing/len-5-empty-body-twice", "2.3",
           "Two empty-body frames back to back.", Stream().frame(b"").frame(b""))
    for length in range(0, 5):
        vector(f"framing/len-{length}", "2.3",
               f"LEN {length} cannot hold the footer: length-too-small from the header alone.",
               Stream().fail("length-too-small", header(length)))
    vector("framing/len-4-with-footer-like-bytes", "2.3",
           "LEN 4 followed by four footer bytes is still length-too-small.",
           Stream().fail("length-too-small", header(4) + b"@EOF"))
    for position in range(5):
        footer = bytearray(FOOTER)
        footer[position] = ord("#")
        vector(f"framing/bad-footer-byte-{position}", "2.2",
               f"PUT k=v whose footer byte {position} is wrong.",
               Stream().fail("bad-footer", frame(body("k", "v", 3), bytes(footer))))
    vector("framing/bad-footer-lowercase", "2.2", "The footer is case-sensitive: @eof@ is wrong.",
           Stream().fail("bad-footer", frame(body("k", "v", 3), b"@eof@")))
    vector("framing/bad-footer-zeros", "2.2", "Five zero bytes where the footer belongs.",
           Stream().fail("bad-footer", frame(body("k", "v", 3), bytes(5))))
    vector("framing/bad-footer-wins-over-bad-body", "2.6",
           "Both the footer and the body are bad: the footer is judged first.",
           Stream().fail("bad-footer", frame(b"\xff\xff", b"@EOF!")))
    vector("framing/len-one-too-small", "2.2",
           "LEN one less than the frame: the footer window is shifted left by one byte.",
           Stream().fail("bad-footer", header(len(PUT_KV) - 5) + PUT_KV[4:]))
    vector("framing/len-one-too-large-then-frame", "2.2",
           "LEN one more than the frame: the footer window takes the next frame's first byte.",
           Stream().fail("bad-footer", header(len(PUT_KV) - 3) + PUT_KV[4:]).raw(PUT_KV))
    vector("framing/footer-in-key", "2.4",
           "The key contains the footer bytes; LEN alone finds the frame end.",
           Stream().msg("a@EOF@b", "v", 3))
    vector("framing/footer-is-value", "2.4", "The value is exactly the footer bytes.",
           Stream().msg("k", "@EOF@", 3))
    vector("framing/footers-in-value-split", "2.4",
           "A value holding two footers, cut right after the first of them.",
           Stream().msg("k", "x@EOF@@EOF@", 3), [15])
    vector("framing/footer-and-fake-frame-in-value", "2.4",
           "A value holding a footer followed by a whole fake frame: still one frame.",
           Stream().msg("k", "@EOF@" + frame(b"").decode(), 3))
    vector("framing/bad-footer-after-good-frames", "6.3",
           "Two good frames, then a bad footer: the good frames are reported first.",
           Stream().msg("a", "1", 3).msg("a", kind=1)
           .fail("bad-footer", frame(body("b", "2", 3), b"@EOF!")))
    vector("framing/nothing-after-framing-error", "6.1",
           "After a framing error the rest of the stream, even a good frame, is not decoded.",
           Stream().fail("length-too-small", header(2)).raw(PUT_KV))


# --- limits -----------------------------------------------------------------

def message_of_len(length, kind=3):
    """A PUT frame body whose frame has exactly LEN `length`, with key "k"."""
    fixed = len(body("k", "", kind)) + 5
    # Value field overhead: one tag byte and a one-byte length (values < 128).
    value = "x" * (length - fixed - 2)
    assert len(body("k", value, kind)) + 5 == length
    return value


def limits():
    small = 64
    value = message_of_len(small)
    vector("limits/len-at-max", "3.1", "LEN equal to the maximum (64 here) is legal.",
           Stream().msg("k", value, 3), max_frame_len=small)
    vector("limits/len-at-max-split", "3.1", "LEN equal to the maximum, delivered in three reads.",
           Stream().msg("k", value, 3), [4, 40], max_frame_len=small)
    big = body("k", value + "x", 3)
    vector("limits/len-max-plus-1", "3.2",
           "A whole frame with LEN one above the maximum: length-too-large.",
           Stream().fail("length-too-large", frame(big)), max_frame_len=small)
    vector("limits/len-max-plus-1-header-only", "3.2",
           "LEN one above the maximum, no body: rejected from the header alone, not truncated.",
           Stream().fail("length-too-large", header(small + 1)), max_frame_len=small)
    vector("limits/len-max-plus-1-header-split", "3.2",
           "LEN one above the maximum arriving one byte per read, no body.",
           Stream().fail("length-too-large", header(small + 1)), [1, 2, 3], max_frame_len=small)
    vector("limits/len-max-header-only", "3.2",
           "LEN equal to the maximum and no body: legal, so the stream ends truncated.",
           Stream().fail(TRUNC, header(small)), max_frame_len=small)
    vector("limits/len-ffffffff", "3.2",
           "LEN 0xFFFFFFFF with no body, default maximum: length-too-large at once.",
           Stream().fail("length-too-large", header(0xFFFFFFFF)))
    vector("limits/len-80000000", "3.2", "LEN 2^31 with no body, default maximum.",
           Stream().fail("length-too-large", header(0x80000000)))
    vector("limits/len-ffffffff-after-frame", "3.2",
           "A good frame, then LEN 0xFFFFFFFF: the frame comes first.",
           put_kv().fail("length-too-large", header(0xFFFFFFFF)))
    vector("limits/default-max-plus-1", "3.2",
           "LEN 4194305 with no body under the default maximum: length-too-large.",
           Stream().fail("length-too-large", header(DEFAULT_MAX + 1)))
    vector("limits/default-max-header-only", "3.1",
           "LEN 4194304 with no body under the default maximum: legal, so truncated.",
           Stream().fail(TRUNC, header(DEFAULT_MAX)))
    vector("limits/max-5-empty-body", "3.1",
           "With the smallest maximum, 5, the empty-body frame is legal.",
           Stream().frame(b""), max_frame_len=5)
    vector("limits/max-5-len-6", "3.2", "With maximum 5, LEN 6 is length-too-large.",
           Stream().frame(b"").fail("length-too-large", header(6)),
           max_frame_len=5)


# --- body -------------------------------------------------------------------

def body_vectors():
    def ok(vid, rule, description, raw_body, key="", value="", kind=0, status=0, splits=None):
        vector(f"body/{vid}", rule, description,
               Stream().frame(raw_body, key, value, kind, status), splits)

    def bad(vid, rule, description, raw_body):
        vector(f"body/{vid}", rule, description, Stream().bad_body(raw_body))

    ok("empty-key-and-value", "5.5", "PUT of the empty key with the empty value.",
       body(kind=3), kind=3)
    ok("explicit-defaults", "4.5",
       "Every field written explicitly with its default value: the all-default message.",
       string_field(KEY, "") + string_field(VALUE, "") + varint_field(KIND, 0)
       + varint_field(STATUS, 0))
    ok("explicit-empty-value", "4.5", "PUT k with the empty value written explicitly.",
       string_field(KEY, "k") + string_field(VALUE, "") + varint_field(KIND, 3),
       key="k", kind=3)
    ok("fields-reversed", "4.2", "Fields in descending field-number order.",
       varint_field(STATUS, 1) + varint_field(KIND, 2) + string_field(VALUE, "v")
       + string_field(KEY, "k"), "k", "v", 2, 1)
    ok("unknown-kind", "5.6", "Kind 7 is not a request but decodes like any other.",
       body("k", kind=7), "k", kind=7)
    ok("kind-max-uint32", "4.2", "Kind 4294967295, a five-byte varint.",
       body(kind=0xFFFFFFFF), kind=0xFFFFFFFF)
    ok("unknown-status-kept", "4.2", "Status 7 is not in the enum and is kept as 7.",
       body("k", kind=2, status=7), "k", kind=2, status=7)
    ok("negative-status-kept", "4.2",
       "Status -1, a ten-byte varint (status is an int32 enum), is kept as -1.",
       body(kind=2, status=-1), kind=2, status=-1)
    for width in range(2, 6):
        ok(f"non-minimal-kind-{width}-bytes", "4.2",
           f"Kind 3 encoded as a {width}-byte varint.",
           string_field(KEY, "k") + tag(KIND, VARINT) + varint(3, width), "k", kind=3)
    ok("non-minimal-string-length", "4.2", "The key's length 1 encoded as a two-byte varint.",
       tag(KEY, LENGTH_DELIMITED) + varint(1, 2) + b"k" + varint_field(KIND, 1), "k", kind=1)
    ok("non-minimal-tag", "4.2", "The kind field's tag 0x18 encoded as a two-byte varint.",
       varint(KIND << 3, 2) + varint(3), kind=3)
    ok("repeated-key-last-wins", "4.2", "Key written twice: the last one wins.",
       string_field(KEY, "first") + string_field(KEY, "k") + varint_field(KIND, 1),
       "k", kind=1)
    ok("repeated-value-last-wins", "4.2", "Value written twice: the last one wins.",
       string_field(KEY, "k") + string_field(VALUE, "old") + string_field(VALUE, "new")
       + varint_field(KIND, 3), "k", "new", 3)
    ok("repeated-kind-last-wins", "4.2", "Kind 1 then kind 3: kind 3 wins.",
       varint_field(KIND, 1) + string_field(KEY, "k") + varint_field(KIND, 3), "k", kind=3)
    ok("repeated-kind-default-last", "4.2", "Kind 3 then an explicit kind 0: kind 0 wins.",
       varint_field(KIND, 3) + varint_field(KIND, 0), kind=0)
    ok("repeated-status-last-wins", "4.2", "Status NotOk then Ok: Ok wins.",
       varint_field(KIND, 2) + varint_field(STATUS, 1) + varint_field(STATUS, 0), kind=2)
    tail = varint_field(KIND, 3)
    ok("unknown-field-varint", "4.2", "An unknown varint field 8 is ignored.",
       string_field(KEY, "k") + varint_field(8, 150) + tail, "k", kind=3)
    ok("unknown-field-fixed32", "4.2", "An unknown fixed32 field 5 is ignored.",
       string_field(KEY, "k") + tag(5, FIXED32) + b"\x01\x02\x03\x04" + tail, "k", kind=3)
    ok("unknown-field-fixed64", "4.2", "An unknown fixed64 field 6 is ignored.",
       string_field(KEY, "k") + tag(6, FIXED64) + bytes(range(8)) + tail, "k", kind=3)
    ok("unknown-field-length-delimited", "4.2",
       "An unknown length-delimited field 7 holding a footer is ignored.",
       string_field(KEY, "k") + string_field(7, "@EOF@") + tail, "k", kind=3)
    ok("unknown-field-group", "4.2", "A well-formed unknown group, field 9, is ignored.",
       string_field(KEY, "k") + tag(9, START_GROUP) + varint_field(1, 1)
       + tag(9, END_GROUP) + tail, "k", kind=3)
    ok("unknown-field-max-number", "4.2", "An unknown field with the largest number, 2^29-1.",
       varint_field((1 << 29) - 1, 1) + tail, kind=3)
    ok("known-field-wrong-wire-type", "4.2",
       "Kind sent as fixed32: a known number with the wrong wire type is an unknown field.",
       string_field(KEY, "k") + tag(KIND, FIXED32) + b"\x03\x00\x00\x00", "k", kind=0)
    ok("unicode-cyrillic", "4.3", "Two-byte UTF-8 sequences in key and value.",
       body("ключ", "значение", 3), "ключ", "значение", 3)
    ok("unicode-cjk", "4.3", "Three-byte UTF-8 sequences in key and value.",
       body("鍵", "値", 3), "鍵", "値", 3)
    ok("unicode-emoji", "4.3", "Four-byte UTF-8 sequences (emoji) in key and value.",
       body("🔑", "🗝️✨", 3), "🔑", "🗝️✨", 3)
    ok("unicode-emoji-split-mid-char", "2.5",
       "An emoji key cut in the middle of its four UTF-8 bytes.",
       body("🔑", kind=1), "🔑", kind=1, splits=[8])
    ok("nul-in-key-and-value", "4.3", "U+0000 is valid UTF-8: keys and values are binary-safe.",
       body("a\0b", "\0", 3), "a\0b", "\0", 3)
    ok("long-value", "4.1", "A 300-byte value: its length takes a two-byte varint.",
       body("k", "v" * 300, 3), "k", "v" * 300, 3)
    bad("invalid-utf8-key", "4.3", "Key byte 0xFF is not UTF-8: bad body.",
        string_field(KEY, b"\xff") + varint_field(KIND, 3))
    bad("invalid-utf8-value", "4.3", "Value ends inside a two-byte sequence: bad body.",
        string_field(KEY, "k") + string_field(VALUE, b"\xc3") + varint_field(KIND, 3))
    bad("invalid-utf8-overlong", "4.3", "An overlong encoding of '/' in the value: bad body.",
        string_field(KEY, "k") + string_field(VALUE, b"\xc0\xaf") + varint_field(KIND, 3))
    bad("invalid-utf8-surrogate", "4.3", "A UTF-16 surrogate encoded in UTF-8: bad body.",
        string_field(KEY, b"\xed\xa0\x80") + varint_field(KIND, 1))
    bad("garbage-ff", "4.4", "Eleven 0xFF bytes: a varint tag that never ends.", b"\xff" * 11)
    bad("truncated-varint", "4.4", "The kind tag with no value after it.", tag(KIND, VARINT))
    bad("truncated-varint-continuation", "4.4", "The kind varint stops after a continuation byte.",
        tag(KIND, VARINT) + b"\x83")
    bad("truncated-string", "4.4", "The key claims five bytes and has one.",
        tag(KEY, LENGTH_DELIMITED) + varint(5) + b"k")
    bad("huge-string-length", "4.4", "The key claims 2^32-1 bytes.",
        tag(KEY, LENGTH_DELIMITED) + varint(0xFFFFFFFF) + b"k")
    bad("group-start-without-end", "4.4", "Field 1 with wire type 3 (start group) and no end.",
        tag(KEY, START_GROUP))
    bad("field-number-zero", "4.4", "Tag 0x00: field number 0 does not exist.", b"\x00\x00")
    bad("wire-type-6", "4.4", "Wire type 6 does not exist.", tag(1, 6) + b"\x00")
    vector("body/bad-body-then-frame", "6.4",
           "A bad body, then a good frame: decoding continues after the bad body.",
           Stream().bad_body(b"\xff\xff").msg("k", "v", 3))
    around = Stream().msg("k", "v", 3).bad_body(string_field(KEY, b"\xfe")).msg("k", kind=1)
    vector("body/frames-around-bad-body", "6.4",
           "Good frame, bad body, good frame, one byte per read.",
           around, list(range(1, len(around.data))))


# --- stream -----------------------------------------------------------------

def stream():
    vector("stream/empty", "6.5", "No bytes at all: a clean end with no events.", Stream())
    pipelined = Stream()
    for i in range(10):
        pipelined.msg(f"key{i}", f"value{i}", 3)
    for i in range(10):
        pipelined.msg(f"key{i}", kind=1)
    vector("stream/pipelined-twenty", "8.1", "Ten PUTs then ten GETs in one read, in order.",
           pipelined)
    vector("stream/request-response-interleaved", "5.7",
           "A PUT, its ack, a GET, its hit, a GET of a missing key, its miss.",
           Stream().msg("k", "v", 3).msg(kind=3).msg("k", kind=1).msg("k", "v", 2)
           .msg("z", kind=1).msg("z", kind=2, status=1), [9, 17, 30])
    vector("stream/length-too-small-after-frames", "6.3",
           "Two good frames, then LEN 3.",
           put_kv().msg("k", kind=1).fail("length-too-small", header(3) + b"abc"))
    vector("stream/bad-body-then-framing-error", "6.3",
           "A bad body is reported, then a bad footer ends the stream.",
           Stream().bad_body(b"\x0b").fail("bad-footer", frame(body(kind=1), b"EOF@@")))
    vector("stream/split-inside-second-header", "2.5",
           "Two frames, cut inside the second frame's LEN.",
           put_kv().msg("k", kind=1), [19])


# --- truncation ---------------------------------------------------------------

def truncation():
    for n in range(1, 4):
        vector(f"truncation/header-{n}-bytes", "6.5",
               f"The stream ends after {n} of the 4 LEN bytes.", Stream().fail(TRUNC, PUT_KV[:n]))
    vector("truncation/header-only", "6.5", "A legal LEN and nothing else.",
           Stream().fail(TRUNC, PUT_KV[:4]))
    for n in (5, 8, 11):
        vector(f"truncation/body-{n - 4}-bytes", "6.5",
               f"The stream ends after {n - 4} of the 8 body bytes.",
               Stream().fail(TRUNC, PUT_KV[:n]))
    for n in range(1, 5):
        vector(f"truncation/footer-{n}-bytes", "6.5",
               f"The stream ends after {n} of the 5 footer bytes.",
               Stream().fail(TRUNC, PUT_KV[:12 + n]))
    vector("truncation/partial-wrong-footer", "6.5",
           "Four wrong footer bytes, then EOF: the footer is judged only when complete.",
           Stream().fail(TRUNC, PUT_KV[:12] + b"####"))
    vector("truncation/after-good-frame", "6.5",
           "A whole frame, then two bytes of the next: the frame, then truncated at 17.",
           put_kv().fail(TRUNC, PUT_KV[:2]))
    vector("truncation/len-one-too-large", "6.5",
           "LEN one more than the bytes that follow: the frame never completes.",
           Stream().fail(TRUNC, header(len(PUT_KV) - 3) + PUT_KV[4:]))
    vector("truncation/byte-by-byte", "6.5", "Sixteen of 17 bytes, one per read.",
           Stream().fail(TRUNC, PUT_KV[:16]), list(range(1, 16)))
    vector("truncation/empty-body-missing-footer-byte", "6.5",
           "LEN 5 and four footer bytes.", Stream().fail(TRUNC, header(5) + FOOTER[:4]))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for build in (framing, limits, body_vectors, stream, truncation):
        build()
    ids = [v["id"] for topic in VECTORS.values() for v in topic]
    assert len(ids) == len(set(ids)), "duplicate vector ids"
    for topic, entries in VECTORS.items():
        with open(os.path.join(out_dir, f"{topic}.jsonl"), "w", encoding="utf-8") as out:
            for entry in entries:
                out.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {len(ids)} vectors in {len(VECTORS)} files to {out_dir}")


if __name__ == "__main__":
    main()
