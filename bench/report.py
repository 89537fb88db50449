#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the "m6bench: KIND JSON" lines of a bench VM console log into the
make bench report: plain text, then the same figures as one JSON object.

  report.py CONSOLE_LOG --kver KVER --cmd "COMMAND" [--json-out FILE]
"""
import argparse
import json
import re
import statistics
import sys


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def r1(x, n=1):
    return None if x is None else round(x, n)


def parse(path):
    ev = {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.replace("\r", "")
            m = re.search(r"m6bench: (\w+) (\{.*\})\s*$", line)
            if not m:
                continue
            try:
                ev.setdefault(m.group(1), []).append(json.loads(m.group(2)))
            except ValueError:
                ev.setdefault("unparsable", []).append(line.strip())
    return ev


def hao(ev):
    runs = {"module": [], "kernel": []}
    for e in ev.get("hao", []):
        rc, sd = e.get("recv") or {}, e.get("send") or {}
        runs.setdefault(e["mode"], []).append({
            "round": e["round"], "recv_pps": rc.get("pps"), "received": rc.get("received"),
            "from_hoa": rc.get("from_src"), "sent": sd.get("sent"), "send_pps": sd.get("pps"),
            **(e.get("extra") or {})})
    pm = med([x["recv_pps"] for x in runs["module"]])
    pk = med([x["recv_pps"] for x in runs["kernel"]])
    kr = {x["round"]: x for x in runs["kernel"]}
    pairs = [ratio(a["recv_pps"], kr[a["round"]]["recv_pps"]) for a in runs["module"] if a["round"] in kr]
    return {
        "module_pps_median": r1(pm), "kernel_pps_median": r1(pk),
        "ratio_module_over_kernel": ratio(pm, pk), "ratio_per_round": pairs,
        "ratio_per_round_median": r1(med(pairs), 3),
        "extra_ns_per_packet": r1(1e9 / pm - 1e9 / pk) if pm and pk else None,
        "target_ratio": 0.9, "runs": runs,
    }


def hmac_lines(ev, kind="hmac"):
    out = {"segs": [], "digest": [], "driver": None}
    for e in ev.get(kind, []):
        for l in e.get("lines", "").split(";"):
            m = re.search(r"driver=(\S+) len=(\d+) mode=(\w+) ops=(\d+) ns=(\d+) ns_per_op=([\d.]+)", l)
            if m:
                out["driver"], out["len"] = m.group(1), int(m.group(2))
                out[m.group(3)].append(float(m.group(6)))
    return out


def bu(ev):
    rounds = []
    nulls = {e["round"]: e.get("send") or {} for e in ev.get("null", [])}
    bads = {e["round"]: e for e in ev.get("bu_bad", [])}
    for e in ev.get("bu", []):
        sd, d = e.get("send") or {}, e.get("delta") or {}
        secs = sd.get("secs")
        bad = bads.get(e["round"], {})
        bsd, bd = bad.get("send") or {}, bad.get("delta") or {}
        rounds.append({
            "round": e["round"], "sent": sd.get("sent"), "send_secs": secs,
            "bu_rx": d.get("bu_rx"), "accepted": d.get("bu_accepted"),
            "auth_fail": d.get("auth_fail"), "replay": d.get("replay"),
            "accepted_per_s": r1(d["bu_accepted"] / secs) if secs and d.get("bu_accepted") is not None else None,
            "null_pkts_per_s": nulls.get(e["round"], {}).get("pps"),
            "bad_sent": bsd.get("sent"), "bad_auth_fail": bd.get("auth_fail"),
            "bad_rejected_per_s": r1(bd["auth_fail"] / bsd["secs"]) if bsd.get("secs") and bd.get("auth_fail") is not None else None,
        })
    h = hmac_lines(ev)
    rate = med([x["accepted_per_s"] for x in rounds])
    null = med([x["null_pkts_per_s"] for x in rounds])
    rej = med([x["bad_rejected_per_s"] for x in rounds])
    ns_segs, ns_dig = med(h["segs"]), med(h["digest"])
    raw = 1e9 / ns_segs if ns_segs else None
    per_bu = 1e9 / rate - 1e9 / null if rate and null else None
    per_rej = 1e9 / rej - 1e9 / null if rej and null else None
    return {
        "accepted_per_s_median": r1(rate),
        "hmac_driver": h["driver"], "hmac_input_len": h.get("len"),
        "hmac_ns_per_op_segs_median": r1(ns_segs, 2), "hmac_ns_per_op_digest_median": r1(ns_dig, 2),
        "hmac_ops_per_s": r1(raw), "ratio_bu_over_raw_hmac": ratio(rate, raw), "target_ratio": 0.5,
        "null_pkts_per_s_median": r1(null),
        "bu_ns_beyond_packet_io": r1(per_bu),
        "hmac_share_of_that": ratio(ns_segs, per_bu) if per_bu and per_bu > 0 else None,
        "rejected_per_s_median": r1(rej), "ratio_rejected_over_raw_hmac": ratio(rej, raw),
        "reject_ns_beyond_packet_io": r1(per_rej),
        "hmac_share_of_reject": ratio(ns_segs, per_rej) if per_rej and per_rej > 0 else None,
        "rounds": rounds, "hmac_ns_segs": h["segs"], "hmac_ns_digest": h["digest"],
    }


def hot(ev):
    """(d) HoTIs answered per second against the raw HMAC-SHA1 of a keygen
    token (one per Home Test) and against same-size packets."""
    rounds = []
    nulls = {e["round"]: e.get("send") or {} for e in ev.get("hot_null", [])}
    for e in ev.get("hot", []):
        sd, d = e.get("send") or {}, e.get("delta") or {}
        secs = sd.get("secs")
        rounds.append({
            "round": e["round"], "sent": sd.get("sent"), "send_secs": secs,
            "hoti_rx": d.get("rr_hoti_rx"), "hot_sent": d.get("rr_hot_sent"),
            "ratelimited": d.get("rr_ratelimited"), "malformed": d.get("mh_malformed"),
            "hot_per_s": r1(d["rr_hot_sent"] / secs) if secs and d.get("rr_hot_sent") is not None else None,
            "null_pkts_per_s": nulls.get(e["round"], {}).get("pps"),
        })
    h = hmac_lines(ev, "hot_hmac")
    rate = med([x["hot_per_s"] for x in rounds])
    null = med([x["null_pkts_per_s"] for x in rounds])
    ns_segs, ns_dig = med(h["segs"]), med(h["digest"])
    raw = 1e9 / ns_segs if ns_segs else None
    per = 1e9 / rate - 1e9 / null if rate and null else None
    return {
        "hot_per_s_median": r1(rate),
        "hmac_driver": h["driver"], "hmac_input_len": h.get("len"),
        "hmac_ns_per_op_segs_median": r1(ns_segs, 2), "hmac_ns_per_op_digest_median": r1(ns_dig, 2),
        "hmac_ops_per_s": r1(raw), "ratio_hot_over_raw_hmac": ratio(rate, raw),
        "null_pkts_per_s_median": r1(null),
        "hot_ns_beyond_packet_io": r1(per),
        "hmac_share_of_that": ratio(ns_segs, per) if per and per > 0 else None,
        "rounds": rounds, "hmac_ns_segs": h["segs"], "hmac_ns_digest": h["digest"],
    }


def mem(ev):
    m = (ev.get("mem") or [None])[-1]
    if not m:
        return {}
    ka = (ev.get("kbm_add") or [{}])[-1]
    bn = (ev.get("bu_new") or [{}])[-1]
    nk = m.get("kbms") or 0
    nb = (bn.get("delta") or {}).get("bu_accepted") or 0
    kp, bp = m["kbm_phase"], m["binding_phase"]

    def per(p, n):
        if not n:
            return {}
        return {
            "kmalloc_bytes": r1(p["kmalloc_active_bytes"] / n),
            "slab_objects_bytes": r1(p["all_active_bytes"] / n),
            "slab_pages_bytes": r1(p["slab_kb"] * 1024 / n),
            "vmalloc_bytes": r1(p["vmalloc_kb"] * 1024 / n),
            "memfree_drop_bytes": r1(-p["memfree_kb"] * 1024 / n),
        }
    sd = bn.get("send") or {}
    return {
        "kbms": nk, "kbm_provisioning": ka, "bindings": nb, "bindings_dumped": m.get("bindings_dumped"),
        "bu_new": bn.get("delta"),
        "new_binding_bus_per_s": r1(nb / sd["secs"]) if sd.get("secs") and nb else None,
        "per_kbm": per(kp, nk), "per_binding": per(bp, nb),
        "kbm_phase": kp, "binding_phase": bp,
        "unload_secs": (ev.get("unload") or [{}])[-1].get("secs"),
    }


def fmt(x, unit=""):
    if x is None:
        return "n/a"
    if isinstance(x, float) and x >= 100:
        x = round(x)
    return "%s%s" % (format(x, ",") if isinstance(x, (int, float)) else x, unit)


def text(rep):
    a, b, c = rep["hao_receive"], rep["bu_verify"], rep["memory"]
    L = ["mip6sec benchmark, kernel %s (qemu TCG, %s): absolute numbers are emulator numbers; "
         "compare the ratios, which also move between runs" % (rep["kernel"], rep["vcpus"]), ""]
    L.append("(a) UDP with a Home Address option, delivered to a UDP socket (sender, stack and receiver on the same vCPU)")
    for mode, label in (("module", "mip6sec binding"), ("kernel", "kernel wildcard hao xfrm state+policy, module unloaded")):
        for x in a["runs"].get(mode, []):
            L.append("    round %d %-7s %s pkt/s  (%s sent, %s received, %s from the HoA)" % (
                x["round"], mode, fmt(x["recv_pps"]), fmt(x["sent"]), fmt(x["received"]), fmt(x["from_hoa"])))
    L.append("  median module %s pkt/s, kernel %s pkt/s: ratio module/kernel %s (target >= 0.9)" % (
        fmt(a["module_pps_median"]), fmt(a["kernel_pps_median"]), fmt(a["ratio_module_over_kernel"])))
    L.append("  per-round ratios %s, their median %s" % (
        ", ".join(fmt(x) for x in a["ratio_per_round"]), fmt(a["ratio_per_round_median"])))
    L.append("  module minus kernel cost per packet: %s ns" % fmt(a["extra_ns_per_packet"]))
    L.append("")
    L.append("(b) Binding Updates verified (%s octets HMAC-SHA1 input, driver %s)" % (
        fmt(b["hmac_input_len"]), fmt(b["hmac_driver"])))
    for x in b["rounds"]:
        L.append("    round %d: %s sent, %s accepted (auth_fail %s, replay %s) in %s s: %s BU/s;" % (
            x["round"], fmt(x["sent"]), fmt(x["accepted"]), fmt(x["auth_fail"]), fmt(x["replay"]),
            fmt(r1(x["send_secs"], 3)), fmt(x["accepted_per_s"])))
        L.append("             wrong authenticator %s rejected/s (%s of %s); same-size packets without MH %s pkt/s" % (
            fmt(x["bad_rejected_per_s"]), fmt(x["bad_auth_fail"]), fmt(x["bad_sent"]), fmt(x["null_pkts_per_s"])))
    L.append("  median %s BU/s; raw hmac(sha1) %s ns/op as mip6sec calls it (%s ns/op one-shot) = %s op/s" % (
        fmt(b["accepted_per_s_median"]), fmt(b["hmac_ns_per_op_segs_median"]),
        fmt(b["hmac_ns_per_op_digest_median"]), fmt(b["hmac_ops_per_s"])))
    L.append("  ratio BU/s over raw HMAC op/s: %s (target >= 0.5)" % fmt(b["ratio_bu_over_raw_hmac"]))
    L.append("  a BU costs %s ns more than a same-size packet without MH; the HMAC is %s of that" % (
        fmt(b["bu_ns_beyond_packet_io"]), fmt(b["hmac_share_of_that"])))
    L.append("  a BU with a wrong authenticator (parse + HMAC + drop): %s rejected/s, ratio to raw HMAC %s; %s ns beyond packet I/O, HMAC %s of that" % (
        fmt(b["rejected_per_s_median"]), fmt(b["ratio_rejected_over_raw_hmac"]),
        fmt(b["reject_ns_beyond_packet_io"]), fmt(b["hmac_share_of_reject"])))
    L.append("")
    if c:
        L.append("(c) kernel memory: %s Kbms provisioned (%s s, %s errors), %s bindings created by BUs (%s dumped, %s BU/s)" % (
            fmt(c["kbms"]), fmt((c["kbm_provisioning"] or {}).get("secs")),
            fmt((c["kbm_provisioning"] or {}).get("errors")), fmt(c["bindings"]),
            fmt(c["bindings_dumped"]), fmt(c["new_binding_bus_per_s"])))
        for k, label in (("per_kbm", "per Kbm    "), ("per_binding", "per binding")):
            p = c[k]
            if p:
                L.append("  %s kmalloc objects %s B, all slab objects %s B, slab pages %s B, vmalloc %s B, MemFree drop %s B" % (
                    label, fmt(p["kmalloc_bytes"]), fmt(p["slab_objects_bytes"]),
                    fmt(p["slab_pages_bytes"]), fmt(p["vmalloc_bytes"]), fmt(p["memfree_drop_bytes"])))
        for k, label in (("kbm_phase", "Kbm"), ("binding_phase", "binding")):
            tops = ", ".join("%s %+d" % (n, v["active_objs"]) for n, v in c[k]["top_caches"].items())
            L.append("  %s phase, slab caches (objects): %s" % (label, tops))
        if c["kbms"] and c["kbms"] < rep["mem_target"]:
            L.append("  NOTE: fewer than %d keys (time cap): per-entry figures are extrapolated from %d" % (
                rep["mem_target"], c["kbms"]))
        L.append("  (MemFree also counts page-allocator memory such as the rhashtable bucket arrays, which")
        L.append("  kvmalloc takes from kmalloc-large, outside Slab; it is the noisiest of these figures)")
        L.append("  rmmod with them all: %s s" % fmt(c["unload_secs"]))
    else:
        L.append("(c) kernel memory: no result")
    L.append("")
    d = rep["hot_rate"]
    L.append("(d) Home Test Init -> Home Test (rr=kernel, rr_ratelimit=0; %s octets HMAC-SHA1 input, driver %s)" % (
        fmt(d["hmac_input_len"]), fmt(d["hmac_driver"])))
    for x in d["rounds"]:
        L.append("    round %d: %s sent, %s answered (rate-limited %s, malformed %s) in %s s: %s HoT/s;"
                 " same-size packets without MH %s pkt/s" % (
                     x["round"], fmt(x["sent"]), fmt(x["hot_sent"]), fmt(x["ratelimited"]),
                     fmt(x["malformed"]), fmt(r1(x["send_secs"], 3)), fmt(x["hot_per_s"]),
                     fmt(x["null_pkts_per_s"])))
    L.append("  median %s HoT/s; raw hmac(sha1) %s ns/op as mip6sec calls it (%s ns/op one-shot) = %s op/s" % (
        fmt(d["hot_per_s_median"]), fmt(d["hmac_ns_per_op_segs_median"]),
        fmt(d["hmac_ns_per_op_digest_median"]), fmt(d["hmac_ops_per_s"])))
    L.append("  ratio HoT/s over raw HMAC op/s: %s" % fmt(d["ratio_hot_over_raw_hmac"]))
    L.append("  a HoT costs %s ns more than a same-size packet without MH (that includes sending the" % (
        fmt(d["hot_ns_beyond_packet_io"])))
    L.append("  Home Test: one more packet out and in); the HMAC is %s of that" % fmt(d["hmac_share_of_that"]))
    L.append("")
    L.append("reproduce: " + rep["command"])
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--kver", required=True)
    ap.add_argument("--cmd", required=True)
    ap.add_argument("--json-out")
    ap.add_argument("--vcpus", default=None)
    ap.add_argument("--mem-target", type=int, default=100000)
    a = ap.parse_args()
    ev = parse(a.log)
    import os
    rep = {
        "kernel": a.kver, "vcpus": "%s vCPU" % (a.vcpus or os.environ.get("VM_SMP", "1")),
        "emulated": "qemu TCG", "command": a.cmd, "mem_target": a.mem_target,
        "hao_receive": hao(ev), "bu_verify": bu(ev), "memory": mem(ev), "hot_rate": hot(ev),
    }
    if ev.get("unparsable"):
        rep["unparsable_lines"] = ev["unparsable"]
    print(text(rep))
    print()
    print(json.dumps(rep, separators=(",", ":")))
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(rep, f, indent=1)
    return 0 if ev else 1


if __name__ == "__main__":
    sys.exit(main())
