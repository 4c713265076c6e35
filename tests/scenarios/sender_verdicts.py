#!/usr/bin/env python3
"""Verdicts that cannot race or be earned by doing nothing (issue 10, items 2 and 7).

  sender_verdicts.py STSLAB naive        the naive one-cache-file sender: the same verdict for
                                         every scenario with --jobs 32 and --jobs 1, and no
                                         ERROR (it really delivers: some scenarios PASS)
  sender_verdicts.py STSLAB do-nothing   a sender that always defers and one that always hangs:
                                         no PASS for any message expected withheld
  sender_verdicts.py STSLAB workdir      a run whose verdict is FAIL keeps no work directory;
                                         with --keep it keeps one and prints its path
  sender_verdicts.py STSLAB interrupt    Ctrl-C in the middle of two scenarios: stslab exits
                                         130 and leaves no process, mount or work directory

STSLAB is the stslab binary; the catalog comes from STSLAB_SCENARIOS. Report dirs go to a
temporary directory that is removed afterwards.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def run(stslab, target, jobs, report_dir):
    manifest = os.path.join(HERE, "senders", target, "manifest.yaml")
    argv = [stslab, "run", "--adapter", manifest, "--mta", target, "--jobs", str(jobs),
            "--report-dir", report_dir, "--no-progress"]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    path = os.path.join(report_dir, "report.json")
    if not os.path.exists(path):
        sys.exit(f"{' '.join(argv)} wrote no report (exit {proc.returncode}):\n{proc.stdout}")
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    return report["runs"][0]["results"]


def verdicts(results):
    return {r["scenario"]: r["verdict"].upper() for r in results}


def check_naive(stslab, tmp):
    wide = run(stslab, "naive", 32, os.path.join(tmp, "jobs32"))
    narrow = run(stslab, "naive", 1, os.path.join(tmp, "jobs1"))
    a, b = verdicts(wide), verdicts(narrow)
    problems = []
    for scenario in sorted(set(a) | set(b)):
        if a.get(scenario) != b.get(scenario):
            problems.append(f"{scenario}: --jobs 32 {a.get(scenario)}, --jobs 1 {b.get(scenario)}")
    errors = [s for s, v in a.items() if v == "ERROR"]
    passes = sum(1 for v in a.values() if v == "PASS")
    print(f"naive sender: {len(a)} scenarios, {passes} PASS at --jobs 32, "
          f"{len(problems)} differ from --jobs 1, {len(errors)} ERROR")
    if passes == 0:
        problems.append("no scenario passed: the naive sender never delivered (broken fixture?)")
    problems += [f"{s}: ERROR" for s in errors]
    # The collision itself must never be what decided a verdict.
    for r in wide:
        for m in r.get("messages", []):
            if "renamed away by another submit" in m.get("reason", ""):
                problems.append(f"{r['scenario']}/{m['name']}: two submits shared a state dir")
    return problems


def check_do_nothing(stslab, tmp):
    problems = []
    for target in ("always-defer", "always-hang"):
        results = run(stslab, target, 32, os.path.join(tmp, target))
        scored = 0
        for r in results:
            for m in r.get("messages", []):
                if "withheld" not in m.get("expected", []):
                    continue
                scored += 1
                if m["verdict"].upper() == "PASS":
                    problems.append(f"{target}: {r['scenario']}/{m['name']} PASS: {m.get('reason')}")
            if "withheld" in r.get("expected", []) and r["verdict"].upper() == "PASS":
                problems.append(f"{target}: {r['scenario']} PASS: {r.get('reason')}")
        print(f"{target}: {scored} messages expected withheld, "
              f"{sum(1 for p in problems if p.startswith(target + ':'))} PASS")
        if scored == 0:
            problems.append(f"{target}: no message expected withheld was scored")
    return problems


def check_workdir(stslab, tmp):
    problems = []
    manifest = os.path.join(HERE, "senders", "always-defer", "manifest.yaml")
    scratch = os.path.join(tmp, "tmpdir")
    os.mkdir(scratch)
    env = dict(os.environ, TMPDIR=scratch)
    argv = [stslab, "run", "--adapter", manifest, "--mta", "always-defer", "--no-progress",
            "--scenario", "rfc8461/4-1/enforce-valid-mx-delivered-tls"]
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode != 1 or " FAIL " not in proc.stdout:
        problems.append(f"expected a FAIL (exit 1), got exit {proc.returncode}:\n{proc.stdout}")
    if os.listdir(scratch):
        problems.append(f"a FAIL left {os.listdir(scratch)} in TMPDIR")
    if "work directory kept" in proc.stdout:
        problems.append("a FAIL said it kept its work directory")
    kept = subprocess.run(argv + ["--keep"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    left = os.listdir(scratch)
    if len(left) != 1 or os.path.join(scratch, left[0]) not in kept.stdout:
        problems.append(f"--keep: expected one work directory named in the output, found {left}:"
                        f"\n{kept.stdout}")
    print(f"workdir: FAIL left {len(os.listdir(scratch)) - len(left)} entries; --keep kept {left}")
    return problems


def processes_marked(marker):
    """Pids whose command line or environment holds `marker`."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        for part in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as f:
                    if marker.encode() in f.read():
                        found.append(int(pid))
                        break
            except OSError:  # gone meanwhile, or not ours to read
                pass
    return found


def wait_until(predicate, seconds):
    """Polls `predicate` until it holds or `seconds` pass; returns its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def check_interrupt(stslab, tmp):
    problems = []
    manifest = os.path.join(HERE, "senders", "hang-until-interrupted", "manifest.yaml")
    scratch = os.path.join(tmp, "tmpdir")
    os.mkdir(scratch)
    # Every process stslab starts inherits this environment (the lab's init is a clone of it),
    # and the fixture's sender names itself: together they find whatever outlives the run.
    marker = "STSLAB_INTERRUPT_CHECK=" + uuid.uuid4().hex
    env = dict(os.environ, TMPDIR=scratch)
    env[marker.split("=")[0]] = marker.split("=")[1]
    argv = [stslab, "run", "--adapter", manifest, "--mta", "hang-until-interrupted",
            "--no-progress", "--jobs", "2",
            "--scenario", "rfc8461/4-1/enforce-valid-mx-delivered-tls",
            "--scenario", "rfc8461/5/enforce-starttls-stripped"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    senders = wait_until(lambda: processes_marked("stslab-interrupt-fixture"), 120)
    if not senders:
        proc.kill()
        out, _ = proc.communicate()
        return [f"the hanging sender never started:\n{out}"]
    proc.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        problems.append("stslab did not exit (or something kept its output open) within 60 s of "
                        "SIGINT")
    took = time.monotonic() - interrupted
    if proc.returncode != 128 + signal.SIGINT:
        problems.append(f"expected exit {128 + signal.SIGINT} after SIGINT, got {proc.returncode}")
    # The work directory goes with a helper that runs after stslab: give it its moment.
    left = wait_until(lambda: not processes_marked(marker.split("=")[1]) and
                      not os.listdir(scratch), 10)
    if not left:
        alive = processes_marked(marker.split("=")[1])
        if alive:
            names = []
            for pid in alive:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        names.append(f.read().replace(b"\0", b" ").decode(errors="replace"))
                except OSError:
                    pass
            problems.append(f"processes outlived stslab: {names}")
            for pid in alive:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if os.listdir(scratch):
            problems.append(f"Ctrl-C left {os.listdir(scratch)} in TMPDIR")
    with open("/proc/self/mounts", encoding="utf-8") as f:
        mounts = [line for line in f if scratch in line]
    if mounts:
        problems.append(f"Ctrl-C left mounts: {mounts}")
    print(f"interrupt: {len(senders)} hanging sender process(es) seen; stslab exited "
          f"{proc.returncode} {took:.2f} s after SIGINT; {len(problems)} problem(s)\n{out[-2000:]}")
    return problems


def main():
    modes = {"naive": check_naive, "do-nothing": check_do_nothing, "workdir": check_workdir,
             "interrupt": check_interrupt}
    if len(sys.argv) != 3 or sys.argv[2] not in modes:
        sys.exit(__doc__)
    stslab, mode = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="stslab-verdicts-") as tmp:
        problems = modes[mode](stslab, tmp)
    for p in problems:
        print("FAIL:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
