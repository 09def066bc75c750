#!/usr/bin/env python3
"""A KV protocol server written from spec/SPEC.md alone, apart from the kit.

It shares no code with the kit's codec, handler or servers, and it makes
other legal choices than kvserver where the spec leaves one open, so that
kvconform can be shown never to fail a correct server merely for being
built differently (tests/independent/README.md lists those choices). It is
a test fixture, not a model of the kit: one thread, one selector, Python's
standard library only.

Run: kv_server.py --port P [--sequential] [--write-chunk N] [--no-error-response]
                  [--no-idle-timeout] [--idle-timeout-ms MS] [--drain-ms MS]
                  [--max-frame-bytes N]
It listens on 127.0.0.1 only, prints "listening on PORT" once it does, and
exits 0 after the drain of SPEC 12.5 / 12.6.
"""

import argparse
import errno
import fcntl
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import termios
import time

FOOTER = b"@EOF@"
DEFAULT_MAX_FRAME = 4 * 1024 * 1024
# Output a connection may hold before the server stops reading it (8.1).
OUTPUT_HIGH_WATER = 1 << 20
# Bytes read from one connection per readiness event, so that one busy
# peer cannot starve the others (11.3).
READ_BURST = 256 * 1024
# 6.1: a connection with a framing error is closed within this.
CLOSE_WITHIN_S = 0.9
# How long a connection that sent its FIN waits for the peer's before it is
# closed (reading and dropping input meanwhile, so that the close does not
# reset a peer still reading our responses).
LINGER_S = 2.0


class BadBody(Exception):
    """The body is not a proto3 KeyValueMessage (SPEC 4.3, 4.4)."""


class Reader:
    """A cursor over a body; every read that would pass the end raises."""

    def __init__(self, data):
        self.data = data
        self.at = 0

    def done(self):
        return self.at >= len(self.data)

    def varint(self, max_bytes):
        value = 0
        for i in range(max_bytes):
            if self.at >= len(self.data):
                raise BadBody("varint runs past the end")
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 0x7F) << (7 * i)
            if byte < 0x80:
                return value
        raise BadBody("varint too long")

    def take(self, count):
        if count > len(self.data) - self.at:
            raise BadBody("field runs past the end")
        out = self.data[self.at:self.at + count]
        self.at += count
        return out

    def length_delimited(self):
        length = self.varint(5)
        if length > 0x7FFFFFFF - 16:
            raise BadBody("length too large")
        return self.take(length)


def skip_payload(reader, field, wire_type, depth=0):
    """Skips one field whose tag was read (SPEC 4.2: unknown fields)."""
    if field == 0:
        raise BadBody("field number 0")
    if wire_type == 0:
        reader.varint(10)
    elif wire_type == 1:
        reader.take(8)
    elif wire_type == 2:
        reader.length_delimited()
    elif wire_type == 5:
        reader.take(4)
    elif wire_type == 3:
        if depth >= 100:
            raise BadBody("groups nested too deep")
        while True:
            tag = reader.varint(5) & 0xFFFFFFFF
            inner_field, inner_type = tag >> 3, tag & 7
            if inner_type == 4:
                if inner_field != field:
                    raise BadBody("end group of another field")
                return
            skip_payload(reader, inner_field, inner_type, depth + 1)
    else:
        raise BadBody("wire type %d" % wire_type)


def utf8(data):
    try:
        data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise BadBody("invalid UTF-8") from error
    return data


def parse_body(body):
    """Returns (key, value, kind, status) or raises BadBody."""
    key, value, kind, status = b"", b"", 0, 0
    reader = Reader(body)
    while not reader.done():
        tag = reader.varint(5) & 0xFFFFFFFF
        field, wire_type = tag >> 3, tag & 7
        if field == 1 and wire_type == 2:
            key = utf8(reader.length_delimited())
        elif field == 2 and wire_type == 2:
            value = utf8(reader.length_delimited())
        elif field == 3 and wire_type == 0:
            kind = reader.varint(10) & 0xFFFFFFFF
        elif field == 4 and wire_type == 0:
            status = reader.varint(10) & 0xFFFFFFFF
        else:
            if wire_type == 4:
                raise BadBody("stray end group")
            skip_payload(reader, field, wire_type)
    return key, value, kind, status


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def frame(key=b"", value=b"", kind=0, status=0):
    """One canonical response frame (SPEC 4.5: defaults omitted)."""
    body = bytearray()
    if key:
        body += b"\x0a" + varint(len(key)) + key
    if value:
        body += b"\x12" + varint(len(value)) + value
    if kind:
        body += b"\x18" + varint(kind)
    if status:
        body += b"\x20" + varint(status)
    return struct.pack("<I", len(body) + len(FOOTER)) + bytes(body) + FOOTER


ERROR_RESPONSE = frame(status=1)


class Connection:
    """One client: what it sent and not yet decoded, what it is owed."""

    def __init__(self, sock, now):
        self.sock = sock
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.last_byte = now
        self.reading = True       # False once it is ending: send the outbox, then a FIN
        self.peer_eof = False
        self.fin_sent = False
        self.close_by = None      # a deadline once the connection is ending


class Server:
    def __init__(self, options):
        self.options = options
        self.store = {}
        self.selector = selectors.DefaultSelector()
        self.connections = {}
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", options.port))
        self.listener.listen(1024)
        self.listener.setblocking(False)
        self.listening = False
        self.listen(True)
        self.signals = 0
        self.drain_deadline = None
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        self.selector.register(self.wake_r, selectors.EVENT_READ)

    # ---- the request handler (SPEC 5) ----------------------------------

    def answer(self, body):
        try:
            key, value, kind, _status = parse_body(body)
        except BadBody:
            return ERROR_RESPONSE                       # 6.4
        if kind == 3:                                   # 5.1
            self.store[bytes(key)] = bytes(value)
            return frame(kind=3)
        if kind == 1:                                   # 5.2, 5.3
            stored = self.store.get(bytes(key))
            if stored is None:
                return frame(key=key, kind=2, status=1)
            return frame(key=key, value=stored, kind=2)
        return frame(kind=kind, status=1)               # 5.6

    # ---- framing (SPEC 2, 3, 6) ------------------------------------------

    def decode(self, conn):
        """Answers every whole frame in the inbox, in order. Returns False
        after a framing error (the inbox is then dropped and the error
        response queued if the server sends one), True otherwise; the bytes
        of a partial frame stay in the inbox."""
        data = conn.inbox
        at = 0
        while len(data) - at >= 4:
            length = struct.unpack_from("<I", data, at)[0]
            if length < 5 or length > self.options.max_frame_bytes:
                break                                   # 2.3, 3.2: judged at once
            if len(data) - at < 4 + length:
                del data[:at]
                return True
            end = at + 4 + length
            if data[end - 5:end] != FOOTER:             # 2.2
                break
            conn.outbox += self.answer(bytes(data[at + 4:end - 5]))
            at = end
        else:
            del data[:at]
            return True
        data.clear()                                    # 6.1, 6.2
        if self.options.error_response:
            conn.outbox += ERROR_RESPONSE               # 6.1: MAY
        return False

    # ---- connections -------------------------------------------------------

    def end(self, conn, within=None):
        """Stops decoding `conn`: it sends what it owes, then a FIN, and is
        closed once the peer has closed too, LINGER_S after the FIN at the
        latest. `within` (seconds) bounds the whole ending instead, output
        sent or not (6.1: closed within a second of a framing error)."""
        conn.reading = False
        conn.inbox.clear()
        if within is not None and conn.close_by is None:
            conn.close_by = time.monotonic() + within
        self.flush(conn)

    def close(self, conn):
        if self.connections.pop(conn.sock.fileno(), None) is not None:
            self.selector.unregister(conn.sock)
            conn.sock.close()
            if self.options.sequential and self.drain_deadline is None:
                self.listen(True)                       # the next one's turn

    def alive(self, conn):
        return self.connections.get(conn.sock.fileno()) is conn

    def watch(self, conn):
        """Waits for what `conn` can do next: input while it is decoded and
        its output is below the high-water mark (8.1: backpressure), or,
        once it is ending, input to drop (so that closing does not reset a
        peer still reading our responses); room for its output."""
        if not self.alive(conn):
            return
        events = 0
        if conn.reading:
            if len(conn.outbox) < OUTPUT_HIGH_WATER:
                events |= selectors.EVENT_READ
        elif not conn.peer_eof:
            events |= selectors.EVENT_READ
        if conn.outbox:
            events |= selectors.EVENT_WRITE
        if events == 0:
            # Ending, with the peer's FIN seen and nothing to send: only its
            # deadline is left, which timers() keeps.
            events = selectors.EVENT_WRITE
        if self.selector.get_key(conn.sock).events != events:
            self.selector.modify(conn.sock, events, conn)

    def flush(self, conn):
        chunk = self.options.write_chunk
        while conn.outbox:
            size = len(conn.outbox) if chunk == 0 else min(chunk, len(conn.outbox))
            try:
                with memoryview(conn.outbox) as view, view[:size] as piece:
                    sent = conn.sock.send(piece)
            except BlockingIOError:
                break
            except OSError:
                self.close(conn)                        # 7.4: reset by the peer
                return
            del conn.outbox[:sent]
            if chunk:
                break       # one piece per writable event: responses arrive split
        if not conn.reading and not conn.outbox and not conn.fin_sent:
            try:
                conn.sock.shutdown(socket.SHUT_WR)
            except OSError:
                self.close(conn)
                return
            conn.fin_sent = True
            if conn.close_by is None:
                conn.close_by = time.monotonic() + LINGER_S
        if conn.fin_sent and conn.peer_eof:
            self.close(conn)
            return
        self.watch(conn)

    def receive(self, conn, limit):
        """Reads what the socket holds, up to `limit` bytes, into the inbox
        (or drops it once the connection is ending). False if it was reset."""
        received = 0
        while received < limit:
            try:
                data = conn.sock.recv(65536)
            except BlockingIOError:
                return True
            except OSError:
                self.close(conn)
                return False
            if not data:
                conn.peer_eof = True
                return True
            received += len(data)
            conn.last_byte = time.monotonic()
            if conn.reading:
                conn.inbox += data
        return True

    def read(self, conn):
        if not self.receive(conn, READ_BURST):
            return
        if conn.reading:
            if not self.decode(conn):
                self.end(conn, within=CLOSE_WITHIN_S)
                return
            if conn.peer_eof:
                self.end(conn)                          # 8.2; 6.5 drops a partial frame
                return
        self.flush(conn)

    def accept(self):
        for _ in range(64):
            try:
                sock, _addr = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                if error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS,
                                   errno.ENOMEM, errno.ECONNABORTED):
                    return
                raise
            sock.setblocking(False)
            if not self.options.nagle:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.options.send_buffer:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.options.send_buffer)
            conn = Connection(sock, time.monotonic())
            self.connections[sock.fileno()] = conn
            self.selector.register(sock, selectors.EVENT_READ, conn)
            if self.options.sequential:
                self.listen(False)                      # 11.2: one at a time
                return

    def listen(self, on):
        """Watches the listener for connections, or stops watching it (the
        kernel's backlog holds them meanwhile)."""
        if on != self.listening:
            if on:
                self.selector.register(self.listener, selectors.EVENT_READ)
            else:
                self.selector.unregister(self.listener)
            self.listening = on

    # ---- time: the idle timeout (9.1) and ending connections ---------------

    def timers(self, now):
        idle_s = self.options.idle_timeout_ms / 1000.0
        for conn in list(self.connections.values()):
            if conn.close_by is not None:
                if now >= conn.close_by or (conn.fin_sent and unacknowledged(conn.sock) == 0
                                            and self.drain_deadline is not None):
                    self.close(conn)
            elif (idle_s > 0 and conn.reading and not conn.outbox
                  and now - conn.last_byte >= idle_s and unacknowledged(conn.sock) == 0):
                # 9.1; 9.3: never while responses are owed, in the outbox or
                # still in the kernel's send queue.
                self.end(conn)

    # ---- shutdown (12.5, 12.6) ---------------------------------------------

    def on_signal(self, _signum, _frame):
        self.signals += 1
        if self.signals > 1:
            os._exit(0)     # 12.6: at once, whatever the drain is doing
        try:
            os.write(self.wake_w, b"x")
        except BlockingIOError:
            pass

    def start_drain(self):
        self.listen(False)
        self.listener.close()                           # 12.5: no new connection
        self.drain_deadline = time.monotonic() + self.options.drain_ms / 1000.0
        for conn in list(self.connections.values()):
            if conn.reading:
                if not self.receive(conn, float("inf")):
                    continue
                if self.decode(conn) and conn.inbox:
                    conn.outbox += ERROR_RESPONSE       # in place of the partial frame
            conn.close_by = min(conn.close_by or self.drain_deadline, self.drain_deadline)
            self.end(conn)

    def run(self):
        signal.signal(signal.SIGTERM, self.on_signal)
        signal.signal(signal.SIGINT, self.on_signal)
        print("listening on %d" % self.listener.getsockname()[1], flush=True)
        handled = 0
        while True:
            if self.signals > handled:
                handled = self.signals
                self.start_drain()
            if self.drain_deadline is not None:
                if not self.connections or time.monotonic() >= self.drain_deadline:
                    return 0
            for key, events in self.selector.select(timeout=0.05):
                if key.fileobj is self.listener:
                    self.accept()
                elif key.fileobj == self.wake_r:
                    drain_pipe(self.wake_r)
                elif self.alive(key.data):
                    if events & selectors.EVENT_WRITE:
                        self.flush(key.data)
                    if events & selectors.EVENT_READ and self.alive(key.data):
                        self.read(key.data)
            self.timers(time.monotonic())


def unacknowledged(sock):
    """Bytes sent on `sock` that the peer has not acknowledged (Linux)."""
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    except OSError:
        return 0
    return struct.unpack("i", raw)[0]


def drain_pipe(fd):
    try:
        os.read(fd, 64)
    except BlockingIOError:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-frame-bytes", type=int, default=DEFAULT_MAX_FRAME)
    parser.add_argument("--idle-timeout-ms", type=int, default=10000)
    parser.add_argument("--no-idle-timeout", action="store_true",
                        help="never close an idle connection (SPEC 9.1 says MAY)")
    parser.add_argument("--drain-ms", type=int, default=3000)
    parser.add_argument("--no-error-response", dest="error_response",
                        action="store_false",
                        help="close after a framing error without the error response (6.1: MAY)")
    parser.add_argument("--sequential", action="store_true",
                        help="serve one connection at a time (the sequential profile, 11.2)")
    parser.add_argument("--nagle", action="store_true",
                        help="leave Nagle's algorithm on: no TCP_NODELAY (7.4: SHOULD)")
    parser.add_argument("--send-buffer", type=int, default=0,
                        help="SO_SNDBUF of each connection in bytes, to reach backpressure "
                             "sooner (8.1)")
    parser.add_argument("--write-chunk", type=int, default=0,
                        help="send at most this many bytes per writable event (7.3)")
    options = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if options.no_idle_timeout:
        options.idle_timeout_ms = 0
    if not 5 <= options.max_frame_bytes <= 0x7FFFFFFF:
        parser.error("--max-frame-bytes must be in [5, 2147483647]")
    return Server(options).run()


if __name__ == "__main__":
    sys.exit(main())
