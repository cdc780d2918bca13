#!/usr/bin/env python3
"""Tables, CSV and JSON for bench/load.sh and bench/scale.sh (standard library only).

  report.py step ROW                          one progress line for a finished wrk run
  report.py load META ROWS OUT.csv OUT.json   the load table and ratios; writes both files
  report.py h2load OUT LOG                    h2load's summary and the latency percentiles of its request log, as JSON
  report.py run-line H2LOAD.json              one progress line for a finished scale run
  report.py scale-json META STARTUPS WORKERS OUT.json RUN_DIR...   assembles the scale result file
  report.py scale RESULT.json                 the scale table
"""
import csv
import json
import math
import re
import statistics
import sys

TARGET_ORDER = ["direct", "haproxy", "switchboard"]
TARGET_LABEL = {"direct": "direct (1 worker)", "haproxy": "HAProxy", "switchboard": "Switchboard"}
ERROR_KEYS = ["err_connect", "err_read", "err_write", "err_status", "err_timeout"]


def parse_row(line):
    fields = dict(token.split("=", 1) for token in line.split())
    seconds = int(fields["duration_us"]) / 1e6
    row = {
        "target": fields["target"],
        "concurrency": int(fields["concurrency"]),
        "wrk_threads": int(fields["threads"]),
        "requests": int(fields["requests"]),
        "seconds": round(seconds, 3),
        "rps": round(int(fields["requests"]) / seconds, 1) if seconds else 0.0,
    }
    for p in ["p50", "p75", "p90", "p99", "p999", "max"]:
        row[p + "_ms"] = round(int(fields[p + "_us"]) / 1000, 3)
    row["mean_ms"] = round(float(fields["mean_us"]) / 1000, 3)
    row["errors"] = {k[4:]: int(fields[k]) for k in ERROR_KEYS}
    row["errors_total"] = sum(row["errors"].values())
    row["target_cores"] = round(float(fields["cpu_s"]) / seconds, 2) if seconds else 0.0
    return row


def read_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                meta[key] = value
    return meta


def ratio(a, b):
    return round(a / b, 3) if b else None


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def step(line):
    r = parse_row(line)
    print(f"        {r['rps']:>10,.0f} req/s   p50 {r['p50_ms']:.2f} ms   p99 {r['p99_ms']:.2f} ms   "
          f"p99.9 {r['p999_ms']:.2f} ms   errors {r['errors_total']}   target process {r['target_cores']:.2f} cores")


def load(meta_path, rows_path, csv_path, json_path):
    meta = read_meta(meta_path)
    with open(rows_path) as f:
        rows = [parse_row(line) for line in f if line.strip()]
    rows.sort(key=lambda r: (r["concurrency"], TARGET_ORDER.index(r["target"])))
    by = {(r["target"], r["concurrency"]): r for r in rows}
    ratios = []
    for c in sorted({r["concurrency"] for r in rows}):
        sb, hp, direct = by.get(("switchboard", c)), by.get(("haproxy", c)), by.get(("direct", c))
        if not sb:
            continue
        entry = {"concurrency": c}
        if hp:
            entry["switchboard_vs_haproxy_rps"] = ratio(sb["rps"], hp["rps"])
            entry["switchboard_vs_haproxy_p99"] = ratio(sb["p99_ms"], hp["p99_ms"])
        if direct:
            entry["switchboard_vs_direct_rps"] = ratio(sb["rps"], direct["rps"])
            entry["switchboard_vs_direct_p99"] = ratio(sb["p99_ms"], direct["p99_ms"])
        ratios.append(entry)

    print()
    print(f"Results ({meta.get('date')}; {meta.get('nproc')} cores, {meta.get('cpu')}; "
          f"{meta.get('warmup')} warmup + {meta.get('duration')} per row)")
    header = (f"{'target':<19}{'conns':>6}{'req/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}{'errors':>8}"
              f"{'cores':>7}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{TARGET_LABEL[r['target']]:<19}{r['concurrency']:>6}{r['rps']:>11,.0f}{r['p50_ms']:>9.2f}"
              f"{r['p99_ms']:>9.2f}{r['p999_ms']:>10.2f}{r['errors_total']:>8}{r['target_cores']:>7.2f}")
    print("(cores: CPU used by the target's own process — nginx for direct — during the measured run)")
    if ratios:
        print()
        header = (f"{'conns':>6}  {'SB/HAProxy req/s':>17}{'SB/HAProxy p99':>16}{'SB/direct req/s':>17}"
                  f"{'SB/direct p99':>15}")
        print(header)
        print("-" * len(header))
        for e in ratios:
            print(f"{e['concurrency']:>6}  {fmt_ratio(e.get('switchboard_vs_haproxy_rps')):>17}"
                  f"{fmt_ratio(e.get('switchboard_vs_haproxy_p99')):>16}"
                  f"{fmt_ratio(e.get('switchboard_vs_direct_rps')):>17}"
                  f"{fmt_ratio(e.get('switchboard_vs_direct_p99')):>15}")
        print("(throughput ratio above 1 = Switchboard faster; p99 ratio above 1 = Switchboard slower)")

    columns = ["target", "concurrency", "wrk_threads", "requests", "seconds", "rps", "p50_ms", "p75_ms", "p90_ms",
               "p99_ms", "p999_ms", "max_ms", "mean_ms", "errors_total"] + [k[4:] + "_errors" for k in ERROR_KEYS] \
        + ["target_cores"]
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            flat = dict(r, **{k + "_errors": v for k, v in r["errors"].items()})
            w.writerow([flat[c] for c in columns])
    machine = {k: meta.get(k) for k in ["nproc", "cpu", "memory", "kernel"]}
    versions = {k: meta.get(k) for k in ["java", "haproxy", "nginx", "wrk"]}
    settings = {k: v for k, v in meta.items() if k not in machine and k not in versions
                and k not in ("timestamp", "date")}
    doc = {"benchmark": "load", "timestamp": meta.get("timestamp"), "date": meta.get("date"), "machine": machine,
           "versions": versions, "settings": settings, "results": rows, "ratios": ratios}
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def h2load(out_path, log_path):
    """h2load's counters from its output, latency percentiles from its --log-file (start_us status elapsed_us)."""
    text = open(out_path).read()
    found = {}
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                  r"(\d+) errored, (\d+) timeout", text)
    if m:
        found.update(zip(["total", "started", "done", "succeeded", "failed", "errored", "timeout"],
                         map(int, m.groups())))
    m = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    if m:
        found.update(zip(["status_2xx", "status_3xx", "status_4xx", "status_5xx"], map(int, m.groups())))
    m = re.search(r"finished in ([\d.]+)(ms|s), ([\d.]+) req/s", text)
    if m:
        found["wall_s"] = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
        found["rps"] = float(m.group(3))
    elapsed, statuses = [], {}
    with open(log_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                status = int(parts[1])
                statuses[status] = statuses.get(status, 0) + 1
                elapsed.append(int(parts[2]) / 1000)
    elapsed.sort()
    found["logged"] = len(elapsed)
    found["statuses"] = {str(k): v for k, v in sorted(statuses.items())}
    for name, p in [("p50_ms", 50), ("p90_ms", 90), ("p99_ms", 99), ("p999_ms", 99.9)]:
        value = percentile(elapsed, p)
        found[name] = round(value, 1) if value is not None else None
    found["max_ms"] = round(elapsed[-1], 1) if elapsed else None
    found["errors"] = (found.get("failed", 0) + found.get("errored", 0) + found.get("timeout", 0)
                       + found.get("status_3xx", 0) + found.get("status_4xx", 0) + found.get("status_5xx", 0)
                       + max(0, found.get("total", 0) - found.get("done", 0)))
    print(json.dumps(found))


def run_line(path):
    h = json.load(open(path))
    print(f"        errors {h['errors']}   2xx {h.get('status_2xx')}   p50 {h['p50_ms']} ms   p99 {h['p99_ms']} ms   "
          f"p99.9 {h['p999_ms']} ms   {h.get('rps', 0):,.0f} req/s")


def read_text(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


def scale_json(meta_path, startups_path, workers_path, out_path, *run_dirs):
    meta = read_meta(meta_path)
    runs = []
    for d in run_dirs:
        samples = []
        for line in read_text(f"{d}/samples.txt").splitlines():
            parts = line.split()
            if len(parts) == 4:
                samples.append(tuple(int(x) for x in parts))
        status = dict(line.split(":", 1) for line in read_text(f"{d}/status_after.txt").splitlines() if ":" in line)
        problems = read_text(f"{d}/engine_problems.txt").splitlines()
        hwm_kib = int(status.get("VmHWM", "0 kB").split()[0])
        runs.append({
            "java_opts": read_text(f"{d}/java_opts.txt"),
            "startup_ms": int(read_text(f"{d}/startup_ms.txt", "0")),
            "rss_before_mib": round(int(read_text(f"{d}/rss_before_kib.txt", "0") or 0) / 1024, 1),
            "peak_rss_mib": round(max((s[1] for s in samples), default=0) / 1024, 1),
            "vm_hwm_mib": round(hwm_kib / 1024, 1),
            "peak_threads": max((s[2] for s in samples), default=0),
            "peak_fds": max((s[3] for s in samples), default=0),
            "listen_drops": int(read_text(f"{d}/listen_drops.txt", "0") or 0),
            "engine_cpu_s": float(read_text(f"{d}/engine_cpu_s.txt", "0") or 0),
            "workers_cpu_s": float(read_text(f"{d}/workers_cpu_s.txt", "0") or 0),
            "samples": len(samples),
            "h2load": json.load(open(f"{d}/h2load.json")),
            "engine_problem_lines": len(problems),
            "engine_problems_first": problems[:5],
        })
    startups = [int(x) for x in read_text(startups_path).split()]
    workers = []
    for line in read_text(workers_path).splitlines():
        fields = dict(t.split("=", 1) for t in line.split()[1:] if "=" in t)
        if fields:
            workers.append({k: int(v) for k, v in fields.items()})
    machine = {k: meta.get(k) for k in ["nproc", "cpu", "memory", "kernel"]}
    versions = {k: meta.get(k) for k in ["java", "h2load", "python"]}
    settings = {k: (int(v) if v.isdigit() else v) for k, v in meta.items()
                if k not in machine and k not in versions and k not in ("timestamp", "date", "startup_java_opts")}
    doc = {"benchmark": "scale", "timestamp": meta.get("timestamp"), "date": meta.get("date"), "machine": machine,
           "versions": versions, "settings": settings, "runs": runs, "workers": workers}
    if startups:
        doc["startup"] = {"java_opts": meta.get("startup_java_opts", ""), "samples_ms": startups,
                          "median_ms": statistics.median(startups)}
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def scale(result_path):
    doc = json.load(open(result_path))
    s = doc["settings"]
    print()
    print(f"Scale results ({doc['date']}; {doc['machine']['nproc']} cores, {doc['machine']['cpu']}; "
          f"{s['concurrent']} concurrent = {s['connections']} h2c connections x {s['streams']} streams, "
          f"{s['requests']} requests, workers answer after {s['worker_delay_s']} s)")
    width = max([len("JVM options"), len("(default)")] + [len(r["java_opts"]) for r in doc["runs"]]) + 2
    header = (f"{'JVM options':<{width}}{'errors':>7}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}"
              f"{'peak RSS':>10}{'VmHWM':>9}{'peak fds':>9}{'threads':>8}{'CPU s engine/workers':>22}")
    print(header)
    print("-" * len(header))
    for r in doc["runs"]:
        h = r["h2load"]

        def ms(v):
            return "-" if v is None else f"{v:.0f}"
        print(f"{r['java_opts'] or '(default)':<{width}}{h['errors']:>7}{h.get('rps', 0):>8,.0f}{ms(h['p50_ms']):>9}"
              f"{ms(h['p99_ms']):>9}{ms(h['p999_ms']):>10}{r['peak_rss_mib']:>7.0f}MiB{r['vm_hwm_mib']:>6.0f}MiB"
              f"{r['peak_fds']:>9}{r['peak_threads']:>8}"
              f"{r.get('engine_cpu_s', 0):>15.1f} / {r.get('workers_cpu_s', 0):<4.1f}")
        if r.get("listen_drops"):
            print(f"  ^ {r['listen_drops']} connection attempts dropped at full listen queues during this run")
        if r.get("engine_problem_lines"):
            print(f"  ^ the engine logged {r['engine_problem_lines']} WARN/ERROR lines, first: "
                  f"{r['engine_problems_first'][0]}")
    print("(peak RSS/fds/threads: sampled every %s ms during the run; VmHWM: the kernel's high-water mark since "
          "start; CPU s: CPU seconds used during the measured run)" % s.get("sample_ms"))
    st = doc.get("startup")
    if st:
        print()
        print(f"Startup to first 200 on /ready ({st['java_opts'] or 'default JVM options'}): "
              f"median {st['median_ms']:.0f} ms over {len(st['samples_ms'])} starts "
              f"({', '.join(f'{v:.0f}' for v in st['samples_ms'])} ms)")


def main(argv):
    if len(argv) >= 2 and argv[1] == "step":
        step(argv[2])
    elif len(argv) == 6 and argv[1] == "load":
        load(*argv[2:])
    elif len(argv) == 4 and argv[1] == "h2load":
        h2load(*argv[2:])
    elif len(argv) == 3 and argv[1] == "run-line":
        run_line(argv[2])
    elif len(argv) >= 6 and argv[1] == "scale-json":
        scale_json(*argv[2:])
    elif len(argv) == 3 and argv[1] == "scale":
        scale(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
