#!/usr/bin/env python3
"""A tiny Icecast-like HTTP audio stream server for relay tests (stdlib only).

Streams FILE to every GET as one HTTP response of unknown length, paced like a live
stream: an initial burst (as Icecast's burst-on-connect), then real time (times --rate).
Listens on 127.0.0.1; the chosen port is printed to stdout as the first line.

  stream_server.py FILE [--port N] [--rate R] [--burst S] [--once] [--stall-after S]
                        [--byte-rate B] [--refuse] [--mute] [--verbose]

  --port N         port to listen on (0: any free port; reuse a port to "restart" a server)
  --rate R         pace factor after the burst (1.0 = real time; a bit more keeps buffers full)
  --burst S        seconds of audio sent at once when a listener connects (default 1)
  --once           finite stream: send the file once, then close (default: loop forever)
  --stall-after S  after S seconds of audio on a connection, stop sending but keep the
                   socket open (0: send the headers, then nothing)
  --byte-rate B    bytes per second of audio (default: from the WAV header or MP3 frame)
  --refuse         print a port nobody listens on (connection refused) and exit
  --mute           accept connections and never send a byte (not even HTTP headers); hold
                   each socket open until the client leaves
Signals: SIGUSR1 stalls every connection from now on, SIGUSR2 resumes them; SIGTERM or
SIGKILL stop the server (the tests kill it mid-stream by PID).

WAV files are streamed as a header with an open-ended size followed by the PCM data
(looped); anything else (MP3, ADTS AAC) is sent byte for byte, looped.
"""
import argparse
import http.server
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import wave

STALLED = threading.Event()  # SIGUSR1 / SIGUSR2

MP3_BITRATES = {  # kbit/s by (version, layer) and index; version 1 = MPEG-1, 2 = MPEG-2/2.5
    (1, 1): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    (1, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    (1, 3): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    (2, 1): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    (2, 2): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    (2, 3): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}


def mp3_byte_rate(data):
    """Bytes per second from the first MPEG audio frame header (CBR streams)."""
    start = 0
    if data[:3] == b"ID3" and len(data) >= 10:  # skip an ID3v2 tag
        size = data[6] << 21 | data[7] << 14 | data[8] << 7 | data[9]
        start = 10 + size
    for i in range(start, min(len(data) - 4, start + 65536)):
        if data[i] != 0xFF or (data[i + 1] & 0xE0) != 0xE0:
            continue
        version_bits = (data[i + 1] >> 3) & 3
        layer_bits = (data[i + 1] >> 1) & 3
        index = data[i + 2] >> 4
        if version_bits == 1 or layer_bits == 0 or index in (0, 15):
            continue
        version = 1 if version_bits == 3 else 2
        layer = 4 - layer_bits
        return MP3_BITRATES[(version, layer)][index] * 1000 // 8
    return None


def load(path, byte_rate, endless):
    """(header, body, bytes per second) to stream."""
    if path.lower().endswith(".wav"):
        with wave.open(path, "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            body = w.readframes(w.getnframes())
        size = 0xFFFFFFFF - 36 if endless else len(body)
        header = (b"RIFF" + struct.pack("<I", min(0xFFFFFFFF, 36 + size)) + b"WAVE" +
                  b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * width,
                                        channels * width, width * 8) +
                  b"data" + struct.pack("<I", size))
        return header, body, byte_rate or rate * channels * width
    with open(path, "rb") as f:
        body = f.read()
    return b"", body, byte_rate or mp3_byte_rate(body) or 16000


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server_version = "onair-test-icecast/1.0"

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.server.opts.verbose:
            sys.stderr.write("stream_server: " + (fmt % args) + "\n")

    def do_GET(self):
        opts = self.server.opts
        header, body, byte_rate = self.server.media
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav" if header else "audio/mpeg")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("icy-name", "onair test stream")
        self.end_headers()
        self.wfile.flush()
        try:
            self.stream(opts, header, body, byte_rate)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def stream(self, opts, header, body, byte_rate):
        sock = self.connection
        if header:
            sock.sendall(header)
        stall_at = None if opts.stall_after is None else int(opts.stall_after * byte_rate)
        burst = int(opts.burst * byte_rate)
        chunk = max(256, byte_rate // 20)  # 50 ms of audio per send
        sent = 0
        pos = 0
        start = time.monotonic()
        while True:
            if STALLED.is_set() or (stall_at is not None and sent >= stall_at):
                # Stalled: keep the socket open and send nothing, until the client leaves
                # (or SIGUSR2 resumes a signal-stall).
                if stall_at is not None and sent >= stall_at:
                    self.hold(sock)
                    return
                time.sleep(0.05)
                start = time.monotonic() - (sent - burst) / (byte_rate * opts.rate)
                continue
            allowed = burst + (time.monotonic() - start) * byte_rate * opts.rate
            if sent >= allowed:
                time.sleep(min(0.05, (sent - allowed) / (byte_rate * opts.rate) + 0.001))
                continue
            n = min(chunk, len(body) - pos)
            if stall_at is not None:
                n = min(n, stall_at - sent)
            if n > 0:
                sock.sendall(body[pos:pos + n])
                sent += n
                pos += n
            if pos >= len(body):
                if opts.once:
                    return
                pos = 0

    @staticmethod
    def hold(sock):
        sock.settimeout(0.2)
        while True:
            try:
                if not sock.recv(4096):
                    return  # the client closed its end
            except socket.timeout:
                continue
            except OSError:
                return


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # a restarted server gets the same port back at once


def serve_mute(port):
    """Accepts TCP connections and sends nothing, as a hung server whose kernel still
    completes the handshake."""
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=Handler.hold, args=(conn,), daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rate", type=float, default=1.0)
    parser.add_argument("--burst", type=float, default=1.0)
    parser.add_argument("--once", action="store_true")
    parser.add_argument("--stall-after", type=float, default=None)
    parser.add_argument("--byte-rate", type=int, default=None)
    parser.add_argument("--refuse", action="store_true")
    parser.add_argument("--mute", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    opts = parser.parse_args()

    if opts.refuse:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", opts.port))
        port = s.getsockname()[1]
        s.close()  # bound, never listened: connecting to it is refused
        print(port, flush=True)
        return 0
    if opts.mute:
        return serve_mute(opts.port)
    if not opts.file:
        parser.error("FILE is required (unless --refuse or --mute)")

    signal.signal(signal.SIGUSR1, lambda *_: STALLED.set())
    signal.signal(signal.SIGUSR2, lambda *_: STALLED.clear())
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    server = Server(("127.0.0.1", opts.port), Handler)
    server.opts = opts
    server.media = load(opts.file, opts.byte_rate, not opts.once)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
