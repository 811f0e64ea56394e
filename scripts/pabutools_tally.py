#!/usr/bin/env python3
"""Reference tally of a Pabulib (.pb) file with pabutools, run from its source tree.

Cetate's participatory-budgeting counting code (internal/budget/...) is tested
against the outcomes this script prints. It imports pabutools 1.2.x from a
source checkout (not from pip) given by the environment variable PABUTOOLS_SRC
(default /tmp/pabutools-1.2.3); see internal/budget/testdata/README.md for how
to obtain that tree and the Debian packages it needs (python3-gmpy2,
python3-pulp, python3-numpy, python3-natsort, python3-networkx).

Usage:
  python3 scripts/pabutools_tally.py --rule RULE FILE.pb
      prints ONE JSON object on stdout:
      {"rule", "budget", "winners" (selection order), "total_cost",
       "projects": {ID: {"cost", "supporters", "points" (cumulative/ordinal only)}},
       "pabutools", "parse_seconds", "seconds" (wall time of the rule alone),
       "cpu_seconds" (CPU time of the rule alone; steadier on a busy machine)}
  python3 scripts/pabutools_tally.py --list-rules FILE.pb
      prints the rules that apply to the file, one a line.
  python3 scripts/pabutools_tally.py --outcomes OUT.json [--timings OUT.tsv] FILE.pb...
      runs every applicable rule on every file (one at a time, re-parsing the
      file for each rule) and writes {"FILE.pb": {"RULE": {"winners", "total_cost"}}}.

Amounts are exact: an integer is printed as "1500000", any other rational as
"a/b" in lowest terms (the format of Go's big.Rat.RatString).

Rules (the contract of Cetate's budget counting; how each maps to pabutools is
documented in internal/budget/testdata/README.md):
  greedy_votes            most supporters first, skip what no longer fits
  greedy_points           most points first (cumulative/ordinal only)
  mes_cost                Method of Equal Shares, cost utilities (Cost_Sat)
  mes_card                MES, cardinality utilities (approval/choose-1 only)
  mes_points              MES, point utilities (cumulative/ordinal only)
  <mes rule>_add1         MES with Add1 completion (voter_budget_increment=1)
  <mes rule>_add1_greedy  Add1, then greedy_votes on what is left
Ties: the project whose id is the smallest string wins (lexico_tie_breaking).
"""

from __future__ import annotations

import os
import sys

DEFAULT_SRC = "/tmp/pabutools-1.2.3"
SYSTEM_PYTHON = "/usr/bin/python3"


def _reexec_if_needed() -> None:
    """Re-run under Debian's python3 (where apt installed gmpy2 & co.) when the
    current interpreter lacks gmpy2 (e.g. a pyenv shim), and pin
    PYTHONHASHSEED so that set iteration order inside pabutools is the same on
    every run (outcomes do not depend on it, timings slightly might)."""
    need_python = False
    try:
        import gmpy2  # noqa: F401
    except ImportError:
        need_python = os.path.exists(SYSTEM_PYTHON) and os.path.realpath(
            sys.executable
        ) != os.path.realpath(SYSTEM_PYTHON)
    need_seed = os.environ.get("PYTHONHASHSEED") != "0"
    if need_python or need_seed:
        env = dict(os.environ, PYTHONHASHSEED="0")
        exe = SYSTEM_PYTHON if need_python else sys.executable
        os.execve(exe, [exe, os.path.abspath(__file__)] + sys.argv[1:], env)


_reexec_if_needed()

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

PABUTOOLS_SRC = os.environ.get("PABUTOOLS_SRC", DEFAULT_SRC)
if not os.path.isdir(os.path.join(PABUTOOLS_SRC, "pabutools")):
    sys.exit(
        f"pabutools source tree not found at {PABUTOOLS_SRC!r} (set PABUTOOLS_SRC); "
        "see internal/budget/testdata/README.md"
    )
sys.path.insert(0, PABUTOOLS_SRC)

# --------------------------------------------------------------------------
# gmpy2 < 2.1.5 work-around (Debian bookworm ships python3-gmpy2 2.1.2).
#
# In gmpy2 2.1.2 the two-argument constructor mpq(q, d) with q already an mpq
# DIVIDES q IN PLACE and returns that same object (mpq(mpq(6), 4) turns the
# first object into 3/2). pabutools builds every fraction with
# pabutools.fractions.frac(a, b) == mpq(a, b) (fractions.py:46-66), e.g.
# frac(instance.budget_limit, n) in mes_rule.py:732 and frac(p.cost, total_sat)
# in mes_rule.py:574, so the instance's budget and project costs get silently
# overwritten. pabutools declares gmpy2>=2.1.5 (pyproject.toml), where the bug
# is gone. We therefore replace pabutools.fractions.frac, BEFORE any other
# pabutools module binds it with "from pabutools.fractions import frac", by an
# exactly equivalent function that never mutates its arguments. The arithmetic
# is unchanged: mpq(a) / mpq(b) is the same exact rational as mpq(a, b).
import pabutools  # noqa: E402
import pabutools.fractions as _pbfrac  # noqa: E402
from gmpy2 import mpq  # noqa: E402


_original_frac = _pbfrac.frac


def _safe_frac(*arg):
    if len(arg) == 2 and _pbfrac.FRACTION == _pbfrac.GMPY_FRAC:
        return mpq(arg[0]) / mpq(arg[1])
    return _original_frac(*arg)


_pbfrac.frac = _safe_frac
_probe = mpq(6)
assert _safe_frac(_probe, 4) == mpq(3, 2), "safe frac is wrong"
assert _probe == 6, "safe frac still mutates its argument"

from pabutools.election import (  # noqa: E402
    parse_pabulib,
    Cost_Sat,
    Cardinality_Sat,
    Additive_Cardinal_Sat,
    CumulativeBallot,
    CumulativeProfile,
    AbstractApprovalProfile,
    AbstractCumulativeProfile,
    AbstractOrdinalProfile,
    AbstractCardinalBallot,
)
from pabutools.election.satisfaction import AdditiveSatisfaction  # noqa: E402
from pabutools.fractions import frac  # noqa: E402
from pabutools.rules import (  # noqa: E402
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    completion_by_rule_combination,
)
from pabutools.tiebreaking import lexico_tie_breaking  # noqa: E402

if not os.path.realpath(pabutools.__file__).startswith(os.path.realpath(PABUTOOLS_SRC)):
    sys.exit(f"pabutools imported from {pabutools.__file__}, not from {PABUTOOLS_SRC}")
for _name, _mod in list(sys.modules.items()):
    if _name.startswith("pabutools") and getattr(_mod, "frac", _safe_frac) is not _safe_frac:
        sys.exit(f"{_name} bound pabutools.fractions.frac before the gmpy2 work-around")

assert _pbfrac.FRACTION == _pbfrac.GMPY_FRAC, "pabutools must use exact gmpy2 fractions"


# --------------------------------------------------------------------------
# Amounts


def amount(x) -> str:
    """Exact rendering: "123" for integers, "a/b" (lowest terms) otherwise."""
    q = mpq(x)
    if q.denominator == 1:
        return str(q.numerator)
    return f"{q.numerator}/{q.denominator}"


# --------------------------------------------------------------------------
# Satisfaction measures for the greedy rules.
#
# pabutools' greedy_utilitarian_welfare with an additive measure orders the
# projects by (total satisfaction of the project) / cost, descending
# (greedywelfare_rule.py:194-217). Giving each supporter a satisfaction of
# `weight * cost` makes that ratio exactly the total weight, so:
#   - weight 1 per supporter  -> "most supporters first"   (greedy_votes)
#   - weight = points given   -> "most points first"       (greedy_points)
# On approval/choose-1 profiles greedy_votes uses pabutools' own Cost_Sat
# (cost if approved, additivesatisfaction.py:268-318), which is the same thing.


def supports(ballot, project) -> bool:
    """A voter supports a project if the project is on the ballot; on a
    cumulative (or converted ordinal) ballot it must also get some points."""
    if isinstance(ballot, AbstractCardinalBallot):
        return ballot.get(project, 0) > 0
    return project in ballot


def _supporters_cost_func(instance, profile, ballot, project, precomputed):
    return project.cost if supports(ballot, project) else 0


def _points_cost_func(instance, profile, ballot, project, precomputed):
    return ballot.get(project, 0) * project.cost


class Supporters_Cost_Sat(AdditiveSatisfaction):
    """cost of the project if the voter supports it (points > 0), else 0."""

    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _supporters_cost_func)


class Points_Cost_Sat(AdditiveSatisfaction):
    """points given to the project times its cost."""

    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _points_cost_func)


# --------------------------------------------------------------------------
# Parsing


def load(path):
    """Parse with pabutools; convert ordinal profiles to positional points."""
    instance, profile = parse_pabulib(path)
    vote_type = instance.meta.get("vote_type")
    if isinstance(profile, AbstractOrdinalProfile):
        # A ballot of length L gives its first choice L points, its second
        # L-1, ..., its last 1 (pabutools' OrdinalBallot is an ordered dict,
        # so a project listed twice keeps its first position).
        ballots = []
        for b in profile:
            n = len(b)
            ballots.append(
                CumulativeBallot(
                    {p: n - i for i, p in enumerate(b)}, name=b.name, meta=b.meta
                )
            )
        profile = CumulativeProfile(ballots, instance=instance)
    return instance, profile, vote_type


def family(profile) -> str:
    if isinstance(profile, AbstractApprovalProfile):
        return "approval"
    if isinstance(profile, AbstractCumulativeProfile):
        return "points"
    raise SystemExit(f"unsupported profile type {type(profile).__name__}")


RULES_APPROVAL = [
    "greedy_votes",
    "mes_cost",
    "mes_card",
    "mes_cost_add1",
    "mes_card_add1",
    "mes_cost_add1_greedy",
    "mes_card_add1_greedy",
]
RULES_POINTS = [
    "greedy_votes",
    "greedy_points",
    "mes_cost",
    "mes_points",
    "mes_cost_add1",
    "mes_points_add1",
    "mes_cost_add1_greedy",
    "mes_points_add1_greedy",
]


def rules_for(profile) -> list[str]:
    return RULES_APPROVAL if family(profile) == "approval" else RULES_POINTS


def votes_sat(profile):
    return Cost_Sat if family(profile) == "approval" else Supporters_Cost_Sat


MES_SAT = {
    "mes_cost": Cost_Sat,
    "mes_card": Cardinality_Sat,
    "mes_points": Additive_Cardinal_Sat,
}


def run_rule(rule, instance, profile):
    if rule not in rules_for(profile):
        raise SystemExit(
            f"rule {rule!r} does not apply to a {instance.meta.get('vote_type')} profile; "
            f"applicable: {', '.join(rules_for(profile))}"
        )
    tie = lexico_tie_breaking
    if rule == "greedy_votes":
        return greedy_utilitarian_welfare(
            instance, profile, sat_class=votes_sat(profile), tie_breaking=tie
        )
    if rule == "greedy_points":
        return greedy_utilitarian_welfare(
            instance, profile, sat_class=Points_Cost_Sat, tie_breaking=tie
        )
    base = rule
    add1 = greedy = False
    if base.endswith("_add1_greedy"):
        base, add1, greedy = base[: -len("_add1_greedy")], True, True
    elif base.endswith("_add1"):
        base, add1 = base[: -len("_add1")], True
    sat = MES_SAT[base]
    mes_params = {"sat_class": sat, "tie_breaking": tie}
    if add1:
        mes_params["voter_budget_increment"] = 1
    if not greedy:
        return method_of_equal_shares(instance, profile, **mes_params)
    return completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [mes_params, {"sat_class": votes_sat(profile), "tie_breaking": tie}],
    )


def project_table(instance, profile):
    fam = family(profile)
    table = {}
    for p in sorted(instance):
        entry = {
            "cost": amount(p.cost),
            "supporters": sum(1 for b in profile if supports(b, p)),
        }
        if fam == "points":
            entry["points"] = amount(sum((b.get(p, 0) for b in profile), frac(0)))
        table[p.name] = entry
    return table


def tally(path, rule):
    t0 = time.perf_counter()
    instance, profile, _ = load(path)
    parse_seconds = time.perf_counter() - t0
    budget, projects = amount(instance.budget_limit), project_table(instance, profile)
    t0, c0 = time.perf_counter(), time.process_time()
    outcome = run_rule(rule, instance, profile)
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    # Guard against the rule having altered the election (see the gmpy2 note).
    if (amount(instance.budget_limit), project_table(instance, profile)) != (budget, projects):
        sys.exit(f"{rule} modified the instance's budget or project costs")
    winners = [p.name for p in outcome]
    return {
        "rule": rule,
        "budget": budget,
        "winners": winners,
        "total_cost": amount(sum((p.cost for p in outcome), frac(0))),
        "projects": projects,
        "pabutools": pabutools.__version__,
        "parse_seconds": round(parse_seconds, 6),
        "seconds": round(seconds, 6),
        "cpu_seconds": round(cpu_seconds, 6),
    }


def format_outcomes(outcomes) -> str:
    """JSON with one line per (file, rule): {"FILE.pb": {"RULE": {...}}}."""
    files = []
    for name, rules in outcomes.items():
        lines = [
            f"    {json.dumps(rule)}: {json.dumps(res, ensure_ascii=False)}"
            for rule, res in rules.items()
        ]
        files.append(f"  {json.dumps(name, ensure_ascii=False)}: {{\n" + ",\n".join(lines) + "\n  }")
    return "{\n" + ",\n".join(files) + "\n}\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--rule", help="rule to run (see --list-rules)")
    g.add_argument("--list-rules", action="store_true", help="list rules for FILE")
    g.add_argument("--outcomes", metavar="OUT.json", help="run all rules on all FILEs")
    ap.add_argument("--timings", metavar="OUT.tsv", help="with --outcomes: timing table")
    ap.add_argument("files", nargs="+", metavar="FILE.pb")
    args = ap.parse_args()

    if args.rule or args.list_rules:
        if len(args.files) != 1:
            ap.error("--rule and --list-rules take exactly one FILE.pb")
        if args.list_rules:
            _, profile, _ = load(args.files[0])
            print("\n".join(rules_for(profile)))
            return
        json.dump(tally(args.files[0], args.rule), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return

    outcomes = {}
    rows = [
        "file\tvote_type\tvoters\tprojects\trule\twinners\ttotal_cost\tparse_seconds\tseconds\tcpu_seconds"
    ]
    for path in args.files:
        instance, profile, vote_type = load(path)
        name = os.path.basename(path)
        outcomes[name] = {}
        for rule in rules_for(profile):
            res = tally(path, rule)
            outcomes[name][rule] = {"winners": res["winners"], "total_cost": res["total_cost"]}
            row = (
                f"{name}\t{vote_type}\t{profile.num_ballots()}\t{len(instance)}\t{rule}\t"
                f"{len(res['winners'])}\t{res['total_cost']}\t{res['parse_seconds']:.3f}\t{res['seconds']:.3f}\t{res['cpu_seconds']:.3f}"
            )
            rows.append(row)
            print(row, file=sys.stderr, flush=True)
            # write as we go, so a long run can be inspected / resumed by hand
            with open(args.outcomes, "w", encoding="utf-8") as f:
                f.write(format_outcomes(outcomes))
            if args.timings:
                with open(args.timings, "w", encoding="utf-8") as f:
                    f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
