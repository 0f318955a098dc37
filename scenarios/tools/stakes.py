#!/usr/bin/env python3
"""Measures the stakes of a scenario with the game's own commands (issue 11, section 1).

For each turn given: T, R, P, S of both sides and R - P as a share of |P| (`analyze`), and the
spread between a side's best and worst full orders against the same opponent orders, as a share
of that side's per-turn score (`analyze --json`, the full-orders matrix). Then two cooperators
against two defectors over a whole game (`simulate`): totals, ratio and final value of a metric.

usage: scenarios/tools/stakes.py BINARY SCENARIO [--turns 1,6,12] [--metric isis_strength]
"""
import argparse
import json
import re
import subprocess


def analyze(binary, scenario, turn):
    out = subprocess.run([binary, "analyze", "--scenario", scenario, "--turn", str(turn), "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None, (out.stderr or out.stdout).strip()
    return json.loads(out.stdout), None


def spreads(full):
    """Smallest best-minus-worst spread of each side over all opponent orders, and the spreads
    against the opponent's all-cooperate and all-defect orders, each as a share of the mean."""
    m = full["matrix"]
    pay, rows, cols = m["payoffs"], m["rows"], m["cols"]
    cell = lambda r, c: pay[r * cols + c]
    result = []
    for side in (0, 1):
        other = range(cols) if side == 0 else range(rows)
        def column(o):
            return [cell(r, o)[0] for r in range(rows)] if side == 0 else [cell(o, c)[1] for c in range(cols)]
        def share(vals):
            mean = sum(vals) / len(vals)
            return (max(vals) - min(vals)) / abs(mean) if mean else float("inf")
        named = {name: share(column(full[key][1 - side])) for name, key in
                 (("all-cooperate", "all_cooperate"), ("all-defect", "all_defect"))}
        result.append((full["players"][side], min(share(column(o)) for o in other), named))
    return result


def final(binary, scenario, strategy, metric):
    out = subprocess.run([binary, "simulate", "--scenario", scenario, "--player", f"{players[0]}={strategy}",
                          "--player", f"{players[1]}={strategy}", "--seed", "1"], capture_output=True, text=True).stdout
    scores = [float(s) for s in re.findall(r"^\S.*?: score (-?[\d.]+)", out, re.M)[-2:]]
    values = re.findall(rf"^\s+{re.escape(metric)}\s+(-?[\d.]+) → (-?[\d.]+)", out, re.M)
    return sum(scores), (float(values[-1][1]) if values else None)


ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("scenario")
ap.add_argument("--turns", default="1,6,12")
ap.add_argument("--metric", default="isis_strength")
a = ap.parse_args()
players = re.findall(r'^\s{8}\(\s*\n\s*id: "([^"]+)"', open(a.scenario, encoding="utf-8").read(), re.M)[:2]
for turn in map(int, a.turns.split(",")):
    data, err = analyze(a.binary, a.scenario, turn)
    if data is None:
        print(f"turn {turn}: {err}")
        continue
    cls = data["stage_game"]["classification"]
    print(f"turn {turn}: {cls['kind'] or 'other: the two sides play different games'}")
    for name, p in zip(data["full_orders"]["players"] if data.get("full_orders") else players, cls["per_player"]):
        x = p["payoffs"]
        print(f"  {name}: T {x['t']:.3f} R {x['r']:.3f} P {x['p']:.3f} S {x['s']:.3f} ({p['order']}); "
              f"R - P = {100 * (x['r'] - x['p']) / abs(x['p']):.0f}% of |P|")
    if data.get("full_orders"):
        for name, low, named in spreads(data["full_orders"]):
            print(f"  {name}: best - worst full orders against the same opponent orders: at least "
                  f"{100 * low:.0f}% of the per-turn score (against all-cooperate {100 * named['all-cooperate']:.0f}%, "
                  f"against all-defect {100 * named['all-defect']:.0f}%)")
c, cm = final(a.binary, a.scenario, "cooperator", a.metric)
d, dm = final(a.binary, a.scenario, "defector", a.metric)
print(f"two cooperators {c:.1f}, two defectors {d:.1f}: {c / d:.2f}x; {a.metric} ends at {cm} against {dm}")
