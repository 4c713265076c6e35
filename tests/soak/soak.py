#!/usr/bin/env python3
"""The soak driver: hostile peers against each fake and the MITM proxy, measured.

For each part it starts `stslab-soak-host PART` (tests/soak/soak_host.cpp) in its own process,
then, for --duration seconds and all at once:
  flood      --connections TCP connections opened and held idle
  slowloris  --slowloris connections sending one byte a second
  bigline    1 MB lines (SMTP command, HTTP header inside TLS, 1 MB of junk frames for DNS/TCP)
  tlsjunk    garbage where a TLS handshake belongs (HTTPS; after STARTTLS for SMTP and MITM)
  halfopen   requests pipelined then our side shut (FIN), replies never read
  dnsjunk    DNS compression loops, truncated and oversized messages over UDP and TCP
while a good client (a separate process, so the attack does not slow it down) does a complete
exchange every --interval seconds and times it. Memory is read from /proc/<pid>/status of the
part's process (VmRSS sampled, VmHWM at the end). After the attack, the good client must
succeed once more and the process must still be alive.

Only loopback addresses are used (the hosts refuse anything else); scripts/soak runs this in a
network namespace of its own. Usage: see --help, or `soak.py good PART ENDPOINT SECONDS`, the
good client alone.
"""

import argparse
import asyncio
import json
import os
import random
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import time

MB = 1024 * 1024
GOOD_TIMEOUT = 5.0  # seconds one good exchange may take before it counts as failed
CONNECT_TIMEOUT = 10.0
UDP_RETRY = 1.0  # a good UDP client asks again after this long ...
UDP_ATTEMPTS = 5  # ... this many times in all


class SoakError(Exception):
    pass


# ---------------------------------------------------------------- wire helpers (both sides)


def split_endpoint(text):
    address, port = text.rsplit(":", 1)
    return address, int(port)


def dns_query(qid, name="good.soak.test", qtype=1):
    header = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return header + labels + b"\x00" + struct.pack("!HH", qtype, 1)


def check_dns_answer(reply, qid):
    if len(reply) < 12:
        raise SoakError(f"short DNS reply ({len(reply)} bytes)")
    rid, flags, _, ancount = struct.unpack("!HHHH", reply[:8])
    if rid != qid:
        raise SoakError(f"DNS reply id {rid}, asked {qid}")
    if flags & 0x000F != 0 or ancount < 1:
        raise SoakError(f"DNS rcode {flags & 0xF}, {ancount} answers")


def tls_client_context():
    # The good client checks that the part answers, not the lab PKI (tests of the fakes do that).
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


# ---------------------------------------------------------------- the good client (blocking)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise SoakError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def good_dns_udp(endpoint):
    """Like a stub resolver: asks again when no answer came within a second. Returns how many
    datagrams went unanswered (the part's socket buffer overflowed, or it dropped them)."""
    qid = random.randrange(65536)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(UDP_RETRY)
        for lost in range(UDP_ATTEMPTS):
            s.sendto(dns_query(qid), endpoint)
            try:
                reply = s.recv(4096)
            except TimeoutError:
                continue
            check_dns_answer(reply, qid)
            return lost
    raise SoakError(f"no DNS answer to {UDP_ATTEMPTS} datagrams")


def good_dns_tcp(endpoint):
    qid = random.randrange(65536)
    with socket.create_connection(endpoint, timeout=GOOD_TIMEOUT) as s:
        q = dns_query(qid)
        s.sendall(struct.pack("!H", len(q)) + q)
        (size,) = struct.unpack("!H", recv_exact(s, 2))
        check_dns_answer(recv_exact(s, size), qid)


def good_https(endpoint):
    with socket.create_connection(endpoint, timeout=GOOD_TIMEOUT) as raw:
        with tls_client_context().wrap_socket(raw, server_hostname="mta-sts.soak.test") as s:
            s.sendall(b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.soak.test\r\n"
                      b"Connection: close\r\n\r\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
    if not data.startswith(b"HTTP/1.1 200") or b"version: STSv1" not in data:
        raise SoakError(f"bad HTTPS answer: {data[:80]!r}")


class SmtpLines:
    """Reads SMTP replies from a blocking socket (plain or TLS)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def reply(self):
        lines = []
        while True:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise SoakError(f"SMTP connection closed after {lines!r}")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            lines.append(line.rstrip(b"\r"))
            if len(line) < 4 or line[3:4] != b"-":
                return int(line[:3]), lines

    def command(self, text, expect):
        self.sock.sendall(text + b"\r\n")
        code, lines = self.reply()
        if code != expect:
            raise SoakError(f"{text[:20]!r} got {lines!r}, wanted {expect}")


def good_smtp(endpoint):
    """A whole delivery inside STARTTLS: banner to QUIT."""
    with socket.create_connection(endpoint, timeout=GOOD_TIMEOUT) as raw:
        c = SmtpLines(raw)
        if c.reply()[0] != 220:
            raise SoakError("no 220 banner")
        c.command(b"EHLO good.soak.test", 250)
        c.command(b"STARTTLS", 220)
        with tls_client_context().wrap_socket(raw, server_hostname="mx.soak.test") as s:
            c = SmtpLines(s)
            c.command(b"EHLO good.soak.test", 250)
            c.command(b"MAIL FROM:<good@client.test>", 250)
            c.command(b"RCPT TO:<good@soak.test>", 250)
            c.command(b"DATA", 354)
            c.command(b"Subject: soak\r\n\r\nstill here\r\n.", 250)
            c.command(b"QUIT", 221)


GOOD = {
    "dns": [("udp", good_dns_udp), ("tcp", good_dns_tcp)],
    "https": [("https", good_https)],
    "smtp": [("smtp", good_smtp)],
    "mitm": [("smtp", good_smtp)],
}


def good_once(part, endpoint):
    """One exchange per series; returns {series: ms or 'FAIL reason'}, and {series-lost: n}
    when n UDP datagrams had to be sent again."""
    out = {}
    for series, exchange in GOOD[part]:
        started = time.monotonic()
        try:
            lost = exchange(endpoint)
            out[series] = (time.monotonic() - started) * 1000
            if lost:
                out[series + "-lost"] = lost
        except (OSError, SoakError, ValueError) as e:  # OSError includes timeouts
            out[series] = f"FAIL {type(e).__name__}: {e}"
    return out


def good_main(part, endpoint_text, seconds, interval):
    """The good client's process: says 'ready', waits for a line on stdin (the attack has
    begun), then exchanges until `seconds` have passed, one line per result."""
    endpoint = split_endpoint(endpoint_text)
    print("ready", flush=True)
    sys.stdin.readline()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for series, result in good_once(part, endpoint).items():
            if series.endswith("-lost"):
                print(series, result, flush=True)
            else:
                print(series, result if isinstance(result, str) else f"{result:.3f}", flush=True)
        time.sleep(interval)  # pacing, not waiting for anything


# ---------------------------------------------------------------- the attackers (asyncio)


class Tally:
    """How each attacker connection ended, per attack."""

    def __init__(self):
        self.counts = {}

    def note(self, attack, outcome):
        per = self.counts.setdefault(attack, {})
        per[outcome] = per.get(outcome, 0) + 1


async def connect(endpoint, tls=False):
    kwargs = {"ssl": tls_client_context(), "server_hostname": "mta-sts.soak.test"} if tls else {}
    return await asyncio.wait_for(asyncio.open_connection(*endpoint, limit=MB, **kwargs),
                                  CONNECT_TIMEOUT)


async def drain_until_closed(reader, stop):
    """Reads and drops what the server sends; 'cut' if it closed first, 'held' if we stopped."""
    stopping = asyncio.ensure_future(stop.wait())
    try:
        while True:
            read = asyncio.ensure_future(reader.read(65536))
            done, _ = await asyncio.wait({read, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if read not in done:
                read.cancel()
                return "held"
            try:
                if not read.result():
                    return "cut"
            except (ConnectionError, ssl.SSLError):
                return "cut"
    finally:
        stopping.cancel()


async def one_connection(tally, attack, endpoint, stop, body, tls=False):
    """Connects, runs `body(reader, writer)` (which returns an outcome or None to wait for the
    server to close), records the outcome, closes."""
    try:
        reader, writer = await connect(endpoint, tls)
    except (OSError, asyncio.TimeoutError, ssl.SSLError) as e:
        tally.note(attack, "refused" if isinstance(e, ConnectionRefusedError) else
                   f"connect-failed:{type(e).__name__}")
        return
    try:
        outcome = await body(reader, writer)
        if outcome is None:
            outcome = await drain_until_closed(reader, stop)
    except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
        outcome = "cut"
    finally:
        writer.transport.abort()
    tally.note(attack, outcome)


async def flood(ctx):
    """Many connections at once, idle: each must cost the part little, and an idle limit may
    cut them."""
    async def idle(reader, writer):
        return None

    # Opened in waves so that the listen backlog is never what refuses them.
    tasks = []
    for i in range(ctx.args.connections):
        tasks.append(asyncio.ensure_future(
            one_connection(ctx.tally, "flood", ctx.tcp, ctx.stop, idle)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    await asyncio.gather(*tasks)


SLOW_PAYLOAD = {
    "dns": b"\x01\x00" + b"\x00" * 254,  # a 256-byte frame announced, sent a byte a second
    "https": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 245,  # a ClientHello
    "smtp": b"EHLO " + b"s" * 251,
    "mitm": b"EHLO " + b"s" * 251,
}


async def slowloris(ctx):
    payload = SLOW_PAYLOAD[ctx.part] * 1000

    async def dribble(reader, writer):
        for i in range(len(payload)):
            if ctx.stop.is_set():
                return "held"
            writer.write(payload[i:i + 1])
            await writer.drain()
            try:
                # Also notices a server that closes between two bytes.
                data = await asyncio.wait_for(reader.read(65536), 1.0)
                if data == b"":
                    return "cut"
            except asyncio.TimeoutError:
                pass
        return None

    await asyncio.gather(*(one_connection(ctx.tally, "slowloris", ctx.tcp, ctx.stop, dribble)
                           for _ in range(ctx.args.slowloris)))


def big_line(part):
    if part == "https":
        return (b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.soak.test\r\nX-Big: " +
                b"b" * MB + b"\r\n\r\n")
    if part == "dns":
        return random.randbytes(MB)
    return b"EHLO " + b"b" * MB + b"\r\n"


async def repeat(ctx, attack, body, tls=False, workers=2):
    """`workers` loops, each running one connection after another until the soak ends, --pace
    seconds apart (unpaced, the attacker's own CPU use starves everything on a small machine)."""
    async def loop():
        while not ctx.stop.is_set():
            await one_connection(ctx.tally, attack, ctx.tcp, ctx.stop, body, tls)
            await asyncio.sleep(ctx.args.pace)

    await asyncio.gather(*(loop() for _ in range(workers)))


async def answer_or_cut(reader, seconds=5.0):
    """After a hostile message: 'answered' if the part replied, 'cut' if it closed first."""
    try:
        data = await asyncio.wait_for(reader.read(65536), seconds)
    except asyncio.TimeoutError:
        return "no-answer"
    return "answered" if data else "cut"


async def biglines(ctx):
    line = big_line(ctx.part)

    async def send(reader, writer):
        writer.write(line)
        await writer.drain()
        return await answer_or_cut(reader)

    await repeat(ctx, "bigline", send, tls=ctx.part == "https")


async def tlsjunk(ctx):
    if ctx.part == "dns":
        return

    async def junk(reader, writer):
        if ctx.part in ("smtp", "mitm"):
            await reader.readline()  # banner
            writer.write(b"EHLO junk.soak.test\r\nSTARTTLS\r\n")
            await writer.drain()
            while not (await reader.readline()).startswith(b"220 "):
                pass
        writer.write(b"\x16\x03\x01\x00\x40" + random.randbytes(64) + random.randbytes(4096))
        await writer.drain()
        return None  # the part must close this connection

    await repeat(ctx, "tlsjunk", junk)


def pipelined(part):
    if part == "dns":
        q = dns_query(7, "big.soak.test", 16)  # a 3 KB TXT answer each
        return (struct.pack("!H", len(q)) + q) * 1000
    if part == "https":
        return (b"GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-sts.soak.test\r\n\r\n" *
                2000)
    return b"EHLO half.soak.test\r\n" + b"NOOP\r\n" * 5000


async def small_window_connection(endpoint):
    """A TCP connection whose receive buffer is tiny, so that replies we do not read soon fill
    it and the part's writes block."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    try:
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, endpoint),
                               CONNECT_TIMEOUT)
    except BaseException:
        sock.close()
        raise
    return sock


async def halfopen(ctx):
    """Requests whose replies we do not read, then our side shut (FIN): held to the end of the
    soak, then read to see whether the part gave up on us ('cut') or still holds the connection
    ('held'). Also the bare FIN right after connecting, over and over."""
    requests = pipelined(ctx.part)

    async def no_reading():
        try:
            sock = await small_window_connection(ctx.tcp)
        except (OSError, asyncio.TimeoutError) as e:
            ctx.tally.note("halfopen-noread", "refused" if isinstance(e, ConnectionRefusedError)
                           else f"connect-failed:{type(e).__name__}")
            return
        try:
            if ctx.part == "https":
                reader, writer = await asyncio.open_connection(
                    sock=sock, ssl=tls_client_context(), server_hostname="mta-sts.soak.test",
                    limit=4096)
            else:
                reader, writer = await asyncio.open_connection(sock=sock, limit=4096)
            writer.write(requests)
            if ctx.part != "https":
                writer.write_eof()
            await ctx.stop.wait()
            try:
                while await asyncio.wait_for(reader.read(65536), 1.0):
                    pass
                outcome = "cut"
            except asyncio.TimeoutError:
                outcome = "held"
            writer.transport.abort()
        except (ConnectionError, ssl.SSLError):
            outcome = "cut"
        finally:
            sock.close()
        ctx.tally.note("halfopen-noread", outcome)

    async def bare_fin(reader, writer):
        writer.write_eof()
        return None

    await asyncio.gather(*(no_reading() for _ in range(ctx.args.halfopen)),
                         repeat(ctx, "halfopen-fin", bare_fin, workers=1))


def hostile_dns_messages():
    """Messages a DNS server must survive: pointer loops, truncations, oversize, junk."""
    header = struct.pack("!HHHHHH", 0x5151, 0x0100, 1, 0, 0, 0)
    tail = struct.pack("!HH", 1, 1)
    return [
        header + b"\xc0\x0c" + tail,                  # a pointer to itself
        header + b"\x01a\xc0\x0c" + tail,             # a label, then back to it
        header + b"\xc0\x0e\xc0\x0c" + tail,          # two pointers at each other
        struct.pack("!HHHHHH", 0x5151, 0x0100, 1, 1, 0, 0) + b"\x00" + tail + b"\xc0\x0c" + tail +
        struct.pack("!IH", 60, 4) + b"\x7f\x00\x00\x01" + b"\xc0\x1d",  # answers looping
        header,                                        # the question promised, missing
        header[:5],                                    # half a header
        header + b"\x05soak",                          # a name cut short
        dns_query(0x5151)[:-2],                        # qclass missing
        header + b"\x3f" + b"x" * 63 + b"\x3f",        # a label running off the end
        dns_query(0x5151) + b"\x00" * 8000,            # oversized
        b"",
    ]


async def dnsjunk(ctx):
    if ctx.part != "dns":
        return
    messages = hostile_dns_messages()
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    sent = 0

    async def udp():
        nonlocal sent
        while not ctx.stop.is_set() and sent < ctx.args.udp_count:
            for m in messages:
                try:
                    await loop.sock_sendto(sock, m, ctx.udp)
                except OSError:
                    pass
                sent += 1
            # Whatever came back is dropped; the good client has its own socket.
            try:
                while True:
                    sock.recv(65536)
            except BlockingIOError:
                pass
            await asyncio.sleep(0.005)

    async def tcp_frames(reader, writer):
        for m in messages:
            writer.write(struct.pack("!H", len(m)) + m)
        writer.write(b"\x01\x00" + b"cut")  # a frame announced as 256 bytes, then FIN
        await writer.drain()
        writer.write_eof()
        return None

    await asyncio.gather(udp(), repeat(ctx, "dnsjunk-tcp", tcp_frames))
    sock.close()
    ctx.tally.note("dnsjunk-udp", f"sent:{sent}")


ATTACKS = {"flood": flood, "slowloris": slowloris, "bigline": biglines, "tlsjunk": tlsjunk,
           "halfopen": halfopen, "dnsjunk": dnsjunk}


def read_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
    raise SoakError(f"no {field} in /proc/{pid}/status")


async def sample_rss(ctx, pid):
    while not ctx.stop.is_set():
        try:
            ctx.rss_samples.append(read_status(pid, "VmRSS"))
        except (OSError, SoakError):
            return
        await asyncio.sleep(0.25)


class Context:
    def __init__(self, part, args, tcp, udp):
        self.part = part
        self.args = args
        self.tcp = tcp
        self.udp = udp
        self.tally = Tally()
        self.stop = asyncio.Event()
        self.rss_samples = []


async def attack(ctx, pid, good_cmd):
    # Started first and told when to begin, so its own start-up is not counted in --duration.
    good = await asyncio.create_subprocess_exec(*good_cmd, stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE)
    if await good.stdout.readline() != b"ready\n":
        raise SoakError("the good client did not start")
    attackers = [asyncio.ensure_future(ATTACKS[name](ctx)) for name in ctx.args.attacks]
    sampler = asyncio.ensure_future(sample_rss(ctx, pid))
    good_out, _ = await good.communicate(b"go\n")  # the good client runs for --duration
    ctx.stop.set()
    results = await asyncio.gather(*attackers, sampler, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException):
            raise SoakError(f"an attacker failed: {r!r}")
    return good_out.decode()


# ---------------------------------------------------------------- one part's soak


class Host:
    """A stslab-soak-host process running one part."""

    def __init__(self, binary, argv):
        self.name = argv[0]
        self.proc = subprocess.Popen([binary] + argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise SoakError(f"the {self.name} host did not start (exit {self.proc.wait()})")
        self.endpoint = json.loads(line)["endpoint"]

    def stats(self):
        return json.loads(self.ask("stats"))

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SoakError(f"the {self.name} host died (exit {self.proc.poll()})")
        return line

    def journal_size(self):
        return int(self.ask("size"))

    def sessions_left(self, seconds):
        """Open sessions once they have had `seconds` to end (every attacker has closed)."""
        deadline = time.monotonic() + seconds
        while True:
            line = self.ask("sessions")
            if int(line) == 0 or time.monotonic() > deadline:
                return int(line)
            time.sleep(0.1)  # polling the host's count; it has no event to wait on

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return "killed: did not stop within 30 s"
        return self.proc.returncode


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summarize_good(text):
    series = {}
    lost = {}
    for line in text.splitlines():
        name, result = line.split(" ", 1)
        if name.endswith("-lost"):
            lost[name[:-5]] = lost.get(name[:-5], 0) + int(result)
            continue
        s = series.setdefault(name, {"ms": [], "failures": []})
        if result.startswith("FAIL"):
            s["failures"].append(result)
        else:
            s["ms"].append(float(result))
    return {name: {"ok": len(s["ms"]), "failed": len(s["failures"]), "resent": lost.get(name, 0),
                   "p50_ms": percentile(s["ms"], 50), "p99_ms": percentile(s["ms"], 99),
                   "first_failures": s["failures"][:3]}
            for name, s in series.items()}


def udp_drops(endpoint):
    """Datagrams the kernel dropped at the part's UDP socket (its receive queue was full):
    /proc/net/udp of this network namespace, the last column."""
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            fields = line.split()
            address, port = fields[1].split(":")
            if (socket.inet_ntoa(struct.pack("<I", int(address, 16))), int(port, 16)) == endpoint:
                return int(fields[-1])
    return None


def soak_part(part, args):
    hosts = []
    try:
        if part == "mitm":
            hosts.append(Host(args.host_bin, ["smtp"]))
            hosts.append(Host(args.host_bin, ["mitm", hosts[0].endpoint]))
        else:
            hosts.append(Host(args.host_bin, [part]))
        host = hosts[-1]
        endpoint = split_endpoint(host.endpoint)
        pid = host.proc.pid

        before = good_once(part, endpoint)
        for series, r in before.items():
            if isinstance(r, str) and not series.endswith("-lost"):
                raise SoakError(f"{part} {series}: the good client failed before the soak: {r}")
        result = {"part": part, "rss_start_kb": read_status(pid, "VmRSS"), "rounds": []}

        # The same attack again and again: memory that only the journal should grow, round on
        # round, shows whether anything else is unbounded.
        tally = Tally()
        good_text = ""
        after = {}
        for _ in range(args.rounds):
            ctx = Context(part, args, endpoint, endpoint)
            ctx.tally = tally
            good_cmd = [sys.executable, os.path.abspath(__file__), "good", part, host.endpoint,
                        str(args.duration), str(args.interval)]
            good_text += asyncio.run(attack(ctx, pid, good_cmd))
            if not host.alive():
                break
            after = good_once(part, endpoint)
            sessions_left = host.sessions_left(15)
            result["rounds"].append({"vmhwm_kb": read_status(pid, "VmHWM"),
                                     "rss_kb": read_status(pid, "VmRSS"),
                                     "journal_events": host.journal_size(),
                                     "sessions_left_15s_after": sessions_left})
        alive = host.alive()
        result.update({
            "alive": alive,
            "vmhwm_kb": read_status(pid, "VmHWM") if alive else None,
            "rss_end_kb": read_status(pid, "VmRSS") if alive else None,
            "good_during": summarize_good(good_text),
            "good_after": ({k: (v if isinstance(v, str) else round(v, 3))
                            for k, v in after.items()} if alive else {"-": "FAIL host died"}),
            "attacks": tally.counts,
            "sessions_left_15s_after": max((r["sessions_left_15s_after"]
                                            for r in result["rounds"]), default=None),
        })
        if part == "dns":
            result["udp_drops"] = udp_drops(endpoint)
        # Read last: copying the journal to count it costs memory of its own. Then the heap is
        # trimmed: what remains is memory in use (the journal above all), the rest was free
        # memory malloc had kept.
        result["journal"] = host.stats() if alive else None
        if alive:
            host.ask("trim")
            result["rss_trimmed_kb"] = read_status(pid, "VmRSS")
        if part == "mitm":
            result["upstream_vmhwm_kb"] = read_status(hosts[0].proc.pid, "VmHWM")
        return result
    finally:
        for h in reversed(hosts):
            code = h.stop()
            if code not in (0, None):
                print(f"soak: the {h.name} host ended with {code}", file=sys.stderr)


def verdict(r, max_rss_kb):
    problems = []
    if not r["alive"]:
        problems.append("the part's process died")
    for series, v in r["good_after"].items():
        if isinstance(v, str) and not series.endswith("-lost"):
            problems.append(f"good client after the soak ({series}): {v}")
    for series, s in r["good_during"].items():
        if s["ok"] == 0:
            problems.append(f"good client never succeeded during the soak ({series})")
    if r["vmhwm_kb"] and r["vmhwm_kb"] > max_rss_kb:
        problems.append(f"peak RSS {r['vmhwm_kb'] // 1024} MB over --max-rss-mb")
    if r["sessions_left_15s_after"]:
        problems.append(f"{r['sessions_left_15s_after']} sessions still open 15 s after every "
                        "attacker closed")
    return problems


def cut_and_refused(r):
    refused = cut = 0
    for outcomes in r["attacks"].values():
        for outcome, n in outcomes.items():
            if outcome == "refused" or outcome.startswith("connect-failed"):
                refused += n
            elif outcome == "cut":
                cut += n
    return refused, cut


def table(results):
    rows = ["| part | series | peak RSS (VmHWM) after each round | RSS after malloc_trim | "
            "heap in use (of it the journal) | "
            "journal after each round | "
            "good p50 / p99 during | good ok / failed during | refused / cut by limits | "
            "good after |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        refused, cut = cut_and_refused(r)
        peaks = " → ".join(f"{x['vmhwm_kb'] / 1024:.0f}" for x in r["rounds"]) + " MB"
        j = r["journal"] or {}
        journal = (" → ".join(f"{x['journal_events'] / 1000:.0f}k" for x in r["rounds"]) +
                   f" events ({j.get('journal_json_bytes', 0) / MB:.0f} MB as JSON)")
        for series, s in r["good_during"].items():
            p50 = "-" if s["p50_ms"] is None else f"{s['p50_ms']:.1f}"
            p99 = "-" if s["p99_ms"] is None else f"{s['p99_ms']:.1f}"
            extra = []
            if s["resent"]:
                extra.append(f"{s['resent']} datagrams resent")
            if series == "udp" and r.get("udp_drops"):
                extra.append(f"{r['udp_drops']} dropped at the socket")
            extra = f" ({', '.join(extra)})" if extra else ""
            after = r["good_after"].get(series)
            after = "FAIL" if isinstance(after, str) or after is None else "ok"
            trimmed = (f"{r['rss_trimmed_kb'] / 1024:.0f} MB" if r.get("rss_trimmed_kb")
                       else "-")
            heap = (f"{j['heap_in_use_bytes'] / MB:.0f} MB ({j['journal_heap_bytes'] / MB:.0f} MB)"
                    if j else "-")
            rows.append(f"| {r['part']} | {series} | {peaks} | {trimmed} | {heap} | {journal} | "
                        f"{p50} / {p99} ms | "
                        f"{s['ok']} / {s['failed']}{extra} | {refused} / {cut} | {after} |")
    return "\n".join(rows)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "good":
        _, _, part, endpoint, seconds, interval = sys.argv
        good_main(part, endpoint, float(seconds), float(interval))
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host-bin", required=True, help="the stslab-soak-host binary")
    p.add_argument("--parts", default="dns,https,smtp,mitm")
    p.add_argument("--connections", type=int, default=2000, help="held at once (flood)")
    p.add_argument("--slowloris", type=int, default=200, help="connections at 1 byte/s")
    p.add_argument("--duration", type=float, default=20, help="seconds of each round")
    p.add_argument("--rounds", type=int, default=2, help="attack rounds per part")
    p.add_argument("--interval", type=float, default=0.1, help="seconds between good exchanges")
    p.add_argument("--halfopen", type=int, default=20, help="connections never read")
    p.add_argument("--pace", type=float, default=0.05,
                   help="seconds between one attacker's connections (1 MB lines, junk, FIN)")
    p.add_argument("--udp-count", type=int, default=200000, help="hostile DNS datagrams at most")
    p.add_argument("--attacks", default=",".join(ATTACKS),
                   help="which attacks, comma-separated (default: all)")
    p.add_argument("--max-rss-mb", type=int, default=1024, help="fail above this peak RSS")
    p.add_argument("--json", help="also write the full figures here")
    args = p.parse_args()
    args.attacks = args.attacks.split(",")
    for name in args.attacks:
        if name not in ATTACKS:
            p.error(f"unknown attack {name!r}: {', '.join(ATTACKS)}")

    results, problems = [], []
    for part in args.parts.split(","):
        if part not in GOOD:
            p.error(f"unknown part {part!r}: dns, https, smtp or mitm")
        print(f"soak: {part}: {args.connections} connections, {args.slowloris} slowloris, "
              f"{args.duration:g} s ...", file=sys.stderr, flush=True)
        try:
            r = soak_part(part, args)
        except SoakError as e:
            problems.append(f"{part}: {e}")
            continue
        results.append(r)
        problems += [f"{part}: {x}" for x in verdict(r, args.max_rss_mb * 1024)]
        print(f"soak: {part}: attacks {json.dumps(r['attacks'])}", file=sys.stderr)
    print(table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    for x in problems:
        print(f"soak: FAIL {x}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
