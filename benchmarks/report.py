"""Render benchmark runs (``{"full": report, "quick": report}``) as docs/PERFORMANCE.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTES = Path(__file__).with_name("notes.md")  # profiles and fixes, written by hand


def _v(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        text = f"{value:,.3f}" if abs(value) < 1 else f"{value:,.2f}" if abs(value) < 100 \
            else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text}{unit}"


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(c if isinstance(c, str) else _v(c) for c in row) + " |"
            for row in rows]
    return out + [""]


def _error(section: dict[str, Any]) -> list[str]:
    return [f"Not measured in this run: `{section['error']}`", ""]


def _machine(r: dict[str, Any]) -> list[str]:
    m = r["machine"]
    rows = [["CPU", f"{m['cpu_model']}, {m['logical_cpus']} logical CPUs "
                    f"({m['usable_cpus']} usable)"],
            ["RAM", f"{m['ram_gib']} GiB"], ["Kernel", m["kernel"]],
            ["Python / numpy / pandas", f"{m['python']} / {m['numpy']} / {m['pandas']}"],
            ["onnxruntime / torch", f"{m['onnxruntime']} / {m['torch']}"],
            ["Load average (1, 5, 15 min) at start / end",
             f"{m['load_average_at_start']} / {m.get('load_average_at_end')}"],
            ["Model", r.get("artifact", "-")],
            ["Run", f"{r['mode']} mode, started {r['started_at']}, "
                    f"{r['seconds'].get('total')} s"]]
    return _table(["", ""], rows)


def _batch(s: dict[str, Any]) -> list[str]:
    rows = [[r["persons"], r["csv_mb"], r["reference_read_csv_s"], r["score_s"],
             r["persons_per_s"], r["us_per_person"], f"**{_v(r['ratio_to_read_csv'])}x**",
             f"{_v(r['cpu_ratio_to_read_csv'])}x", r["meets_goal"],
             ", ".join(f"{k.split('_')[0]} {v}" for k, v in r["stages_s"].items()),
             r["response_mb"]]
            for r in s["sizes"]]
    return _table(["persons x 12 months", "CSV MB", "reference: pandas.read_csv s",
                   "score_csv s", "persons/s", "us/person", "ratio (wall)", "ratio (CPU)",
                   "goal <= 3x", "stages s (ingest, features..encode, store)",
                   "response JSON MB"], rows)


def _model(s: dict[str, Any]) -> list[str]:
    rows = [[b["batch"], b["onnxruntime_ms"], b["torch_eager_ms"], b["onnxruntime_rows_per_s"],
             b["torch_rows_per_s"], f"**{_v(b['torch_over_onnxruntime'])}x**"]
            for b in s["batches"]]
    return [f"{s['threads']} thread(s) each; torch model: {s['torch_model']}; outputs agree "
            f"to {s['parity_max_abs_diff']:.1e} before timing.", ""] + _table(
        ["batch rows", "onnxruntime ms/call", "reference: torch eager ms/call",
         "onnxruntime rows/s", "torch rows/s", "torch / onnxruntime"], rows)


def _http(s: dict[str, Any]) -> list[str]:
    rows = []
    for p in s["points"]:
        sc, hz = p["score"], p["healthz"]
        rows.append([p["concurrency"], sc["requests_per_s"], sc["p50_ms"], sc["p99_ms"],
                     sc["errors"], hz["requests_per_s"], hz["p50_ms"], hz["p99_ms"],
                     f"{_v(p['score_over_healthz_rps'])}", p["score_minus_healthz_p50_ms"]])
    return [f"gunicorn with {s['workers']} workers x {s['threads_per_worker']} threads "
            f"(the defaults of web/gunicorn_conf.py); {s['duration_s_per_point']} s per point; "
            f"one person x 12 months ({s['request_csv_bytes']} bytes of CSV) per request.", ""] \
        + _table(["concurrency", "score req/s", "score p50 ms", "score p99 ms", "errors",
                  "reference: /healthz req/s", "healthz p50 ms", "healthz p99 ms",
                  "score / healthz req/s", "score - healthz p50 ms"], rows)


def _memory(s: dict[str, Any]) -> list[str]:
    rows = [[s["persons"], s["csv_mib"], s["idle_rss_mib"], s["peak_rss_mib"],
             s["peak_growth_mib"], f"**{_v(s['peak_growth_in_csv_sizes'])}x**",
             s["response_mib"], f"{_v(s['peak_growth_in_csv_plus_response_sizes'])}x",
             s["seconds"], s["persons_per_s"]]]
    return _table(["persons", "CSV MiB", "reference: idle worker RSS MiB", "peak RSS MiB",
                   "peak - idle MiB", "(peak - idle) / CSV", "response MiB",
                   "(peak - idle) / (CSV + response)", "request s", "persons/s"], rows)


def _training(s: dict[str, Any]) -> list[str]:
    out = []
    sim = s.get("simulation", {})
    if sim:
        out += _table(["people", "months simulated each", "simulate s", "people/s",
                       "person-months/s", "reference: features of their history, people/s",
                       "simulate / features"],
                      [[sim["people"], sim["months_simulated"], sim["simulate_s"],
                        sim["people_per_s"], sim["person_months_per_s"],
                        sim["reference_people_per_s"], f"{_v(sim['simulate_over_features'])}x"]])
    t = s.get("training", {})
    if t:
        stages = ", ".join(f"{k} {v}" for k, v in t["stages_s"].items() if k != "total")
        out += _table(["config", "people", "wall s", "MLP epochs", "s per MLP epoch",
                       "reference: bare torch epoch s", "epoch / bare"],
                      [[t["config"], t["people"], f"**{_v(t['wall_s'])}**", t["mlp_epochs"],
                        t["mlp_epoch_s"], t["reference_bare_epoch_s"],
                        f"{_v(t['epoch_over_bare'])}x"]])
        out += [f"Stages (s, from the run's metrics.json): {stages}.", ""]
    return out


def _statements(s: dict[str, Any]) -> list[str]:
    rows = [[s["rows"], round(s["bytes"] / 1e6, 1), s["read_csv_seconds_median"],
             s["seconds_median"], f"**{_v(s['times_read_csv'])}x**", s["rows_per_second"],
             s["goal_seconds"], s["meets_goal"]]]
    return _table(["transactions", "MB", "reference: pandas.read_csv s",
                   "read + aggregate s", "ratio", "rows/s", "goal s", "met"], rows)


def _scaling(s: dict[str, Any]) -> list[str]:
    out = []
    for key, label in (("scaling", "score_csv wall"), ("scaling_cpu", "score_csv CPU"),
                       ("scaling_reference_read_csv", "reference: pandas.read_csv wall")):
        f = s.get(key)
        if not f:
            continue
        ratio = f.get("per_person_ratio", {})
        out.append([label, " / ".join(_v(v) for v in f["us_per_person"]),
                    f.get("fit_a_s"), f.get("fit_b_us_per_person"), f.get("r_squared"),
                    f"{_v(ratio.get('ratio'))} ({ratio.get('sizes')})", f.get("linear")])
    sizes = " / ".join(_v(n) for n in s["scaling"]["sizes"])
    return _table(["time", f"us per person at {sizes}", "fit a (s)", "fit b (us/person)",
                   "R^2", "per-person time, largest / next size", "linear (ratio <= 1.25)"],
                  out)


def _dask(s: dict[str, Any]) -> list[str]:
    rows = []
    for point in s["sizes"]:
        for r in point["runs"]:
            in_place = r.get("rows_scored_in_place", 0) / point["input_rows"]
            rows.append([point["persons"], point.get("layout", "sorted"), point["parquet_mb"],
                         point["reference_read_parquet_s"], r["workers"], f"{in_place:.0%}",
                         r.get("shuffle", "p2p"), r["seconds"], r["persons_per_s"],
                         r["persons_per_s_per_worker"],
                         " / ".join(_v(m) for m in r["peak_rss_mib_per_worker"]),
                         f"**{_v(point.get('speedup_2_over_1'))}x**" if r["workers"] == 2
                         else "-"])
    scoring = "score with reasons" if s["explain"] else "score"
    return [f"`stress-scorer batch` (id ranges, read, shuffle by person, {scoring}, write "
            "Parquet) on a "
            "fresh LocalCluster of single-threaded worker processes, "
            f"memory limit {s['memory_limit_per_worker']} each. Input: Parquet files of "
            "250k persons, `sorted` by person (only the persons cut at a piece boundary cross "
            "the shuffle; the rest are scored where they are read) or `spread` (each file split "
            "into two half-years: every row crosses the shuffle). Peak RSS is each worker "
            "process's own maximum. Shuffle: what `--shuffle auto` chose for the rows that "
            "cross it (tasks: in the workers' memory; p2p: staged on disk).",
            ""] + _table(
        ["persons x 12 months", "layout", "Parquet MB", "reference: pyarrow read s", "workers",
         "rows scored in place", "shuffle", "batch s", "persons/s", "persons/s/worker",
         "peak RSS MiB per worker", "speedup 2 vs 1"], rows)


def _summary(r: dict[str, Any]) -> list[str]:
    s = r["sections"]
    rows = []
    b = s.get("batch", {})
    if "sizes" in b:
        big = b["sizes"][-1]
        rows.append(["1. Batch scoring, CSV bytes -> stored results",
                     f"{_v(big['persons_per_s'])} persons/s at {_v(big['persons'])} persons",
                     "pandas.read_csv of the same bytes",
                     f"{_v(big['ratio_to_read_csv'])}x", "<= 3x", big["meets_goal"]])
    m = s.get("model", {})
    if "batches" in m:
        rows.append(["2. onnxruntime vs torch eager", ", ".join(
            f"{_v(x['batch'])}: {_v(x['torch_over_onnxruntime'])}x" for x in m["batches"]),
            "torch eager, same model and threads", "torch / onnxruntime", "- (none set)",
            "-"])
    h = s.get("http", {})
    if "points" in h:
        p = h["points"][-1]
        rows.append(["3. HTTP single-person score",
                     ", ".join(f"c={x['concurrency']}: {_v(x['score']['requests_per_s'])} req/s"
                               f" p50 {_v(x['score']['p50_ms'])} ms" for x in h["points"]),
                     "/healthz on the same server", f"{_v(p['score_over_healthz_rps'])} of "
                     "healthz req/s at c=32", "no errors",
                     all(x["score"]["errors"] == 0 for x in h["points"])])
    mem = s.get("memory", {})
    if "peak_rss_mib" in mem:
        rows.append([f"4. Worker peak RSS, {_v(mem['persons'])}-person upload",
                     f"{_v(mem['peak_rss_mib'])} MiB (idle {_v(mem['idle_rss_mib'])})",
                     "idle RSS; CSV size", f"{_v(mem['peak_growth_in_csv_sizes'])} CSV sizes "
                     f"({_v(mem['peak_growth_in_csv_plus_response_sizes'])} x (CSV + "
                     "response))", "not several copies of the data",
                     mem["peak_growth_in_csv_plus_response_sizes"] <= 2.0])
    t = s.get("training", {})
    if "simulation" in t:
        rows.append(["5. Simulation", f"{_v(t['simulation']['people_per_s'])} people/s",
                     "feature engineering of the same people",
                     f"{_v(t['simulation']['simulate_over_features'])}x", "-", "-"])
    if "training" in t:
        rows.append(["5. Training run", f"{_v(t['training']['wall_s'])} s "
                     f"({t['training']['config'].split(' ')[0]} config)",
                     "bare torch epoch", f"{_v(t['training']['epoch_over_bare'])}x per epoch",
                     "-", "-"])
    if "scaling" in b:
        sc = b["scaling"]
        rows.append(["6. Scaling", f"R^2 {_v(sc.get('r_squared'))}",
                     "per-person time at the next size down",
                     f"{_v(sc['per_person_ratio']['ratio'])}x", "linear (<= 1.25x)",
                     sc.get("linear")])
    d = s.get("dask", {})
    if "sizes" in d:
        largest = max(point["persons"] for point in d["sizes"])
        for big in (point for point in d["sizes"] if point["persons"] == largest):
            rows.append([f"8. Dask batch, {_v(big['persons'])} persons from Parquet, "
                         f"{big.get('layout', 'sorted')}",
                         ", ".join(f"{r['workers']} worker(s): {_v(r['persons_per_s'])} "
                                   "persons/s" for r in big["runs"]),
                         "the same batch on 1 worker", f"{_v(big.get('speedup_2_over_1'))}x",
                         f">= {d['goal_speedup']}x", big.get("meets_goal")])
    return _table(["section", "figure", "reference (same run)", "ratio", "goal", "met"], rows)


def render_run(r: dict[str, Any]) -> list[str]:
    s = r["sections"]
    out = [f"## {r['mode'].capitalize()} run", "", "### Machine", ""] + _machine(r)
    for update in r.get("partial_updates", []):
        out += [f"Sections {', '.join(update['sections'])} measured again on "
                f"{update['started_at']} (load average at start / end "
                f"{update['load_average_at_start']} / {update['load_average_at_end']}).", ""]
    out += ["### Summary", ""] + _summary(r)
    parts = [("1. Batch scoring end to end (no HTTP)", "batch", _batch),
             ("2. onnxruntime vs torch eager", "model", _model),
             ("3. HTTP under gunicorn (loopback)", "http", _http),
             ("4. Peak memory of a gunicorn worker", "memory", _memory),
             ("5. Training", "training", _training),
             ("6. Scaling from 1k persons up", "batch", _scaling),
             ("7. Reading a bank statement export", "statements", _statements),
             ("8. Dask batch: 1 vs 2 workers", "dask", _dask)]
    for title, key, fn in parts:
        if key not in s:
            continue
        out += [f"### {title}", ""]
        out += _error(s[key]) if "error" in s[key] else fn(s[key])
    return out


HEADER = Path(__file__).with_name("report_header.md")  # how to run, what is measured


def render(runs: dict[str, dict[str, Any]]) -> str:
    out = [HEADER.read_text()]
    for mode in ("full", "quick"):
        if mode in runs:
            out += render_run(runs[mode])
    if NOTES.exists():
        out += [NOTES.read_text()]
    return "\n".join(out).rstrip() + "\n"
