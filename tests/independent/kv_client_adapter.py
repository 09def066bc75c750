#!/usr/bin/env python3
"""A KV protocol client and its adapter, written from spec/SPEC.md section 13
and spec/client-adapter.md alone, apart from the kit.

It shares no code with the kit's codec or client library, and it makes
other legal choices than the kit's client where the spec leaves one open
(tests/independent/README.md lists them), so that `kvconform client` can be
shown never to fail a correct client merely for being built differently.

Run: kv_client_adapter.py --host HOST --port PORT [--timeout-ms MS] [--max-frame-bytes N]
                          [--connection-per-request] [--write-chunk N]
                          [--explicit-defaults] [--close-on-bad-body]
It reads the adapter's JSON commands on stdin and writes one JSON result
per command on stdout.
"""

import argparse
import json
import socket
import struct
import sys
import time

FOOTER = b"@EOF@"
GET, GET_RESPONSE, PUT = 1, 2, 3


class ClientError(Exception):
    """A request that ended in one of the classes of SPEC 13.12."""

    def __init__(self, kind, message, ends_connection):
        super().__init__(message)
        self.kind = kind
        self.ends_connection = ends_connection


# ---- the body (SPEC 4) ------------------------------------------------------

def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_request(request, explicit_defaults):
    """The frame of a PUT or GET (13.1). With explicit_defaults, the empty
    strings are written out too (4.5 lets a receiver accept them)."""
    key = request["key"].encode("utf-8")
    body = bytearray()
    if key or explicit_defaults:
        body += b"\x0a" + varint(len(key)) + key
    if request["op"] == "put":
        value = request["value"].encode("utf-8")
        if value or explicit_defaults:
            body += b"\x12" + varint(len(value)) + value
        body += b"\x18" + varint(PUT)
    else:
        body += b"\x18" + varint(GET)
    if explicit_defaults:
        body += b"\x20\x00"
    return struct.pack("<I", len(body) + len(FOOTER)) + bytes(body) + FOOTER


class BodyError(Exception):
    pass


def parse_body(body):
    """(key, value, kind, status) of a proto3 KeyValueMessage (4.2, 4.3)."""
    fields = {"key": b"", "value": b"", "kind": 0, "status": 0}
    at = 0

    def read_varint(limit):
        nonlocal at
        value = 0
        for i in range(limit):
            if at >= len(body):
                raise BodyError("varint past the end")
            byte = body[at]
            at += 1
            value |= (byte & 0x7F) << (7 * i)
            if byte < 0x80:
                return value
        raise BodyError("varint too long")

    def take(count):
        nonlocal at
        if count > len(body) - at:
            raise BodyError("field past the end")
        at += count
        return body[at - count:at]

    def skip(field, wire_type, depth):
        if field == 0:
            raise BodyError("field 0")
        if wire_type == 0:
            read_varint(10)
        elif wire_type == 1:
            take(8)
        elif wire_type == 2:
            take(read_varint(5))
        elif wire_type == 5:
            take(4)
        elif wire_type == 3 and depth < 100:
            while True:
                tag = read_varint(5) & 0xFFFFFFFF
                if tag & 7 == 4:
                    if tag >> 3 != field:
                        raise BodyError("unmatched end group")
                    return
                skip(tag >> 3, tag & 7, depth + 1)
        else:
            raise BodyError("wire type %d" % wire_type)

    while at < len(body):
        tag = read_varint(5) & 0xFFFFFFFF
        field, wire_type = tag >> 3, tag & 7
        if wire_type == 2 and field in (1, 2):
            data = take(read_varint(5))
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise BodyError("invalid UTF-8") from error
            fields["key" if field == 1 else "value"] = data
        elif wire_type == 0 and field in (3, 4):
            fields["kind" if field == 3 else "status"] = read_varint(10) & 0xFFFFFFFF
        elif wire_type == 4:
            raise BodyError("stray end group")
        else:
            skip(field, wire_type, 0)
    return fields


# ---- the connection ---------------------------------------------------------

class Client:
    """At most one connection; opened when a request needs one (the adapter
    contract), or one per request with --connection-per-request."""

    def __init__(self, options):
        self.options = options
        self.sock = None
        self.pending = b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.pending = b""

    def connect(self):
        if self.sock is not None:
            return
        try:
            self.sock = socket.create_connection(
                (self.options.host, self.options.port), timeout=self.options.timeout_ms / 1000)
        except OSError as error:
            raise ClientError("connect-failed", str(error), True) from error
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, data):
        chunk = self.options.write_chunk or len(data)
        try:
            self.sock.settimeout(self.options.timeout_ms / 1000)
            for at in range(0, len(data), chunk):
                self.sock.sendall(data[at:at + chunk])
        except socket.timeout as error:
            raise ClientError("timeout", "send timed out", True) from error
        except ConnectionResetError as error:
            raise ClientError("reset", str(error), True) from error
        except OSError as error:
            raise ClientError("io-error", str(error), True) from error

    def read_exactly(self, count, deadline, started):
        """`count` more bytes of the response that began `started` bytes
        ago; the one deadline bounds the whole response (13.10)."""
        while len(self.pending) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ClientError("timeout", "no whole response in time", True)
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(max(65536, count - len(self.pending)))
            except socket.timeout as error:
                raise ClientError("timeout", "no whole response in time", True) from error
            except ConnectionResetError as error:
                raise ClientError("reset", str(error), True) from error
            except OSError as error:
                raise ClientError("io-error", str(error), True) from error
            if not data:
                if started or self.pending:
                    raise ClientError("truncated", "closed inside a response", True)
                raise ClientError("closed", "closed before the response", True)
            self.pending += data
        out, self.pending = self.pending[:count], self.pending[count:]
        return out

    def read_response(self, deadline):
        header = self.read_exactly(4, deadline, 0)
        length = struct.unpack("<I", header)[0]
        if length < 5:
            raise ClientError("length-too-small", "LEN %d" % length, True)
        if length > self.options.max_frame_bytes:
            raise ClientError("length-too-large", "LEN %d" % length, True)   # 13.5: at once
        rest = self.read_exactly(length, deadline, 4)
        if rest[-5:] != FOOTER:
            raise ClientError("bad-footer", "footer %r" % rest[-5:], True)
        try:
            return parse_body(rest[:-5])
        except BodyError as error:
            raise ClientError("bad-body", str(error), self.options.close_on_bad_body) from error


def judge(request, response):
    """The result of one request from its response (13.8)."""
    if response["kind"] == 0:
        raise ClientError("error-response", "kind 0", False)
    if request["op"] == "put":
        if response["kind"] == PUT and response["status"] == 0:
            return {"result": "stored"}
    elif response["kind"] == GET_RESPONSE and response["key"] == request["key"].encode("utf-8"):
        if response["status"] == 0:
            return {"result": "found", "value": response["value"].decode("utf-8")}
        if response["status"] == 1:
            return {"result": "not-found"}
    raise ClientError("unexpected-response", "kind %d status %d" % (
        response["kind"], response["status"]), False)


def run(client, requests):
    """Sends every request, then reads every response; one result each."""
    results = []
    try:
        client.connect()
        client.send(b"".join(encode_request(r, client.options.explicit_defaults)
                             for r in requests))
    except ClientError as error:
        client.close()
        return [failure(error)] * len(requests)
    ended = None
    for request in requests:
        if ended is not None:
            results.append(failure(ended))
            continue
        try:
            deadline = time.monotonic() + client.options.timeout_ms / 1000
            results.append(judge(request, client.read_response(deadline)))
        except ClientError as error:
            results.append(failure(error))
            if error.ends_connection:
                client.close()                          # 13.6: never read it again
                ended = error
    if client.options.connection_per_request:
        client.close()
    return results


def failure(error):
    return {"result": "error", "class": error.kind, "message": str(error)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--timeout-ms", type=int, default=2000)
    parser.add_argument("--max-frame-bytes", type=int, default=4 * 1024 * 1024)
    parser.add_argument("--connection-per-request", action="store_true",
                        help="open a connection for every command and close it after")
    parser.add_argument("--write-chunk", type=int, default=0,
                        help="send requests in writes of at most this many bytes")
    parser.add_argument("--explicit-defaults", action="store_true",
                        help="write empty keys and values and status Ok out (4.5)")
    parser.add_argument("--close-on-bad-body", action="store_true",
                        help="close the connection after a bad body (13.7 MAY keep it)")
    options = parser.parse_args()
    client = Client(options)
    for line in sys.stdin:
        try:
            command = json.loads(line)
            op = command["op"]
            if op == "close":
                client.close()
                result = {"result": "closed"}
            elif op == "batch":
                result = {"result": "batch", "results": run(client, command["requests"])}
            elif op in ("put", "get"):
                result = run(client, [command])[0]
            else:
                raise ValueError("unknown op %r" % op)
        except (ValueError, KeyError, TypeError) as error:
            result = {"result": "error", "class": "bad-command", "message": str(error)}
        print(json.dumps(result), flush=True)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
