"""Mutation testing of the pure rule modules, with mutmut; prints the score per module.

    python scripts/mutation.py                  # every module below
    python scripts/mutation.py gate ranking     # some of them
    python scripts/mutation.py --changed        # the modules a change touched (CI runs this)
    python scripts/mutation.py --changed --base REV

A module is *touched* when its source file or one of its test files differs between the base
(default: ``git merge-base HEAD origin/main``, or ``HEAD~1`` when that is HEAD itself, as on
main) and the work tree. With no touched module the script says so and exits 0.

Each module is run against its own tests only (``tests/domain/test_<module>*.py`` and the
few files listed below), in a staging copy of the source: mutmut names mutants after the
file's path, which only matches the import name (``accord.domain.gate``) in a ``src/``
layout at the project root, so the script lays one out in a temporary folder. Options that
change how mutants run (timeouts, pytest arguments) live in ``[tool.mutmut]`` of the root
pyproject.toml and are copied into the staging project.

Score: killed / (mutants - equivalent - rewordings), where a rewording only re-cases or
XX-wraps the text of a message (a string literal with a space in it), and where a timeout counts as killed and a mutant with no
covering test counts as a survivor. ``EQUIVALENT`` lists the survivors that no test can kill
(or that we accept), each with the mutated line it must still match and why; a stale entry
(the line no longer matches) is ignored, so its mutant counts as a survivor again. The exit
status is 1 when a module scores below ``TARGET``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "packages" / "core" / "src"
TARGET = 0.90
# The fast mode (--changed) runs in CI, which has 90 minutes for everything and whose test suite
# takes about 20 of them on a loaded machine: mutmut runs two mutants at a time, and the whole
# run stops at this budget, failing with the figures it reached (docs/testing.md, "CI cost").
FAST_BUDGET_SECONDS = 30 * 60
FAST_MAX_CHILDREN = 2


@dataclass(frozen=True)
class Module:
    name: str
    source: str  # relative to packages/core/src
    tests: tuple[str, ...] = ()  # extra test globs beyond tests/domain/test_<name>*.py
    test_globs: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test_globs", (f"tests/domain/test_{self.name}*.py", *self.tests))

    def test_files(self) -> list[Path]:
        return sorted({p for pattern in self.test_globs for p in ROOT.glob(pattern)})


MODULES: dict[str, Module] = {
    m.name: m
    for m in (
        Module("gate", "accord/domain/gate.py"),
        Module("conflict_rules", "accord/domain/conflict_rules.py"),
        Module("ranking", "accord/domain/ranking.py"),
        Module("context", "accord/domain/context.py"),
        Module("validation", "accord/domain/validation.py"),
        Module("access", "accord/domain/access.py", ("tests/passport/test_keys_and_access.py",)),
        Module("keys", "accord/domain/keys.py", ("tests/passport/test_keys_and_access.py",)),
        Module("lexical", "accord/domain/lexical.py"),
        Module("resolution", "accord/domain/resolution.py"),
        Module("lifecycle", "accord/domain/lifecycle.py"),
        Module("coherence", "accord/domain/coherence.py"),
        Module("safety", "accord/domain/safety.py"),
    )
}

# Survivors that are equivalent (no observable difference), by mutmut's name. Each entry: (a
# fragment of the mutated line, or "- " + one of the line a mutant deletes; why). A survivor
# that is a gap, not an equivalent, is not listed here: it counts. Mirrored in docs/testing.md.
_COMMON_FACTOR = "a factor common to every gain cancels when the gains are scaled to the best one"
_IN_POOL = (
    "feedback documents are part of the pool (documented; the engine's only call), so every term has a df"
)
_SPEAKER_SPLIT = (
    "where 'Ann: ...' is split changes no term (': ' splits words anyway); it only shares a cache entry"
)
_STORED_VALID_TO = "the rules read only the candidate's valid_to, never a stored claim's"
_FIRST_PIECE = 'the first piece of a split on "@" is the same whatever the maximum number of splits'
_ONLY_REVIEW = 'only shared_policy="review" is tested for; any other string is the default path'
_ONLY_RRF = 'only method="rrf" is tested for; any other string is the default (weighted) path'
_ONLY_MINMAX = 'only normalization="minmax" is tested for; any other string is the default (max) path'
_NO_BOOST = "a zero boost multiplies by 1 (and settings refuse a negative one, ge=0)"
_FIRST_PIECE_COLON = 'the first piece of a split on ":" is the same whatever the maximum number of splits'
_LOWERED = "the text is lowercased first, so it never ends in an upper-case X"
EQUIVALENT: dict[str, tuple[str, str]] = {
    # context
    "accord.domain.context.x__item_json__mutmut_3": (
        "ensure_ascii=None",
        "json reads ensure_ascii as a truth value: None is False",
    ),
    "accord.domain.context.x__episodic_line__mutmut_34": (
        "ensure_ascii=None",
        "json reads ensure_ascii as a truth value: None is False",
    ),
    "accord.domain.context.x_build_context__mutmut_11": (
        "overhead = 1",
        "without a trusted memory nothing is packed, whatever the budget",
    ),
    # conflict_rules
    "accord.domain.conflict_rules.x_similarity__mutmut_4": (
        "if not ta and not tb:",
        "with one side empty the Jaccard formula gives 0 / |other| = 0.0, as the early return does",
    ),
    "accord.domain.conflict_rules.x__normal__mutmut_5": (
        "text.upper()",
        "both sides of the comparison are normalised the same way",
    ),
    "accord.domain.conflict_rules.x__normal__mutmut_6": ('rstrip("XX.!XX")', _LOWERED),
    "accord.domain.conflict_rules.x_choose_option__mutmut_5": ('rstrip("XX.!XX")', _LOWERED),
    "accord.domain.conflict_rules.x__keyed__mutmut_1": (
        '"XXweighXX"',
        "classify always passes shared_policy to _keyed: the default is never used",
    ),
    "accord.domain.conflict_rules.x__keyed__mutmut_2": (
        '"WEIGH"',
        "classify always passes shared_policy to _keyed: the default is never used",
    ),
    "accord.domain.conflict_rules.x__keyed__mutmut_36": (
        "gap <= 0",
        "a zero gap never reaches this branch (abs(gap) >= 0.2)",
    ),
    "accord.domain.conflict_rules.x_classify__mutmut_1": ('"XXweighXX"', _ONLY_REVIEW),
    "accord.domain.conflict_rules.x_classify__mutmut_2": ('"WEIGH"', _ONLY_REVIEW),
    "accord.domain.conflict_rules.x_classify__mutmut_42": (
        "if known <= terms and",
        "equal term sets were rejected as a restatement just before (terms <= known)",
    ),
    "accord.domain.conflict_rules.x__family__mutmut_12": ('split(":", )', _FIRST_PIECE_COLON),
    "accord.domain.conflict_rules.x__family__mutmut_15": ('split(":", 2)', _FIRST_PIECE_COLON),
    # ranking
    "accord.domain.ranking.x_fuse_hits__mutmut_1": ('"XXweightedXX"', _ONLY_RRF),
    "accord.domain.ranking.x_fuse_hits__mutmut_2": ('"WEIGHTED"', _ONLY_RRF),
    "accord.domain.ranking.x_fuse_hits__mutmut_5": ('"XXmaxXX"', _ONLY_MINMAX),
    "accord.domain.ranking.x_fuse_hits__mutmut_6": ('"MAX"', _ONLY_MINMAX),
    "accord.domain.ranking.x_fuse_hits__mutmut_46": ('"XXmaxXX"', _ONLY_MINMAX),
    "accord.domain.ranking.x_fuse_hits__mutmut_47": ('"MAX"', _ONLY_MINMAX),
    "accord.domain.ranking.x__normalise__mutmut_13": (
        "len(ranked) >= 1",
        "a one-item list scales to 1.0 either way (score / top, or top == low)",
    ),
    "accord.domain.ranking.x_boost_speaker__mutmut_5": ("(boost > 0) or True", _NO_BOOST),
    "accord.domain.ranking.x_boost_speaker__mutmut_10": ("boost >= 0", _NO_BOOST),
    "accord.domain.ranking.x_boost_sessions__mutmut_5": (
        "weight < 0",
        "a zero weight adds 0.0 to every relevance (and settings refuse a negative one)",
    ),
    "accord.domain.ranking.x_scale_to_unit__mutmut_6": (
        "default=1.0",
        "with no relevance there is nothing to scale; 1.0 takes the same early return as 0.0",
    ),
    "accord.domain.ranking.x_scale_to_unit__mutmut_7": ("best < 1.0", "dividing by a best of exactly 1.0 changes nothing"),
    "accord.domain.ranking.x_rank_candidates__mutmut_5": (
        "or 2.0",
        "all weights zero (settings refuse negative ones): every score is 0 whatever it is divided by",
    ),
    # validation
    "accord.domain.validation.x_check_categories__mutmut_17": (
        "and False",
        "Category is a StrEnum: the member itself is a str equal to its value",
    ),
    # lexical
    "accord.domain.lexical.x__clean__mutmut_2": (
        "or True",
        "translating a text without markers changes nothing",
    ),
    "accord.domain.lexical.x__parts__mutmut_5": ('rpartition(": ")', _SPEAKER_SPLIT),
    "accord.domain.lexical.x__parts__mutmut_9": ("(sep) and False", _SPEAKER_SPLIT),
    "accord.domain.lexical.x__parts__mutmut_10": (
        "(sep) or True",
        _SPEAKER_SPLIT + "; without it, an empty part",
    ),
    "accord.domain.lexical.x_expansion_terms__mutmut_7": (
        "terms < 0",
        "terms = 0 keeps no term either way ([:0])",
    ),
    "accord.domain.lexical.x_expansion_terms__mutmut_29": ("tf / (k1 + 1.0)", _COMMON_FACTOR),
    "accord.domain.lexical.x_expansion_terms__mutmut_31": (
        "(score * best)",
        _COMMON_FACTOR + " (best squared)",
    ),
    "accord.domain.lexical.x_expansion_terms__mutmut_32": ("(k1 - 1.0)", _COMMON_FACTOR),
    "accord.domain.lexical.x_expansion_terms__mutmut_33": ("(k1 + 2.0)", _COMMON_FACTOR),
    "accord.domain.lexical.x_expansion_terms__mutmut_40": ("df.get(t, None)", _IN_POOL),
    "accord.domain.lexical.x_expansion_terms__mutmut_42": ("df.get(t, )", _IN_POOL),
    "accord.domain.lexical.x_expansion_terms__mutmut_43": ("df.get(t, 1)", _IN_POOL),
    "accord.domain.lexical.x_expansion_terms__mutmut_48": (
        "max(n, 2)",
        "n >= 1 (feedback is in the pool); at n = 1 every term has df 1, so IDF is a common factor",
    ),
    "accord.domain.lexical.x_expansion_terms__mutmut_69": (
        "chosen[0][1] < 0",
        "gains are always positive (IDF > 0 for df <= n); zero gains would be dropped by g > 0 anyway",
    ),
    "accord.domain.lexical.x_expansion_terms__mutmut_76": (
        "if g >= 0",
        "gains are always positive (IDF > 0 for df <= n)",
    ),
    # resolution
    "accord.domain.resolution.xǁStoredǁclaim__mutmut_9": ("valid_to=None", _STORED_VALID_TO),
    "accord.domain.resolution.xǁStoredǁclaim__mutmut_22": ("- valid_to=self.valid_to", _STORED_VALID_TO),
    "accord.domain.resolution.x_base_key__mutmut_7": ('split("@", )[0]', _FIRST_PIECE),
    "accord.domain.resolution.x_base_key__mutmut_10": ('split("@", 2)[0]', _FIRST_PIECE),
    "accord.domain.resolution.x_plan_candidate__mutmut_1": ('"XXweighXX"', _ONLY_REVIEW),
    "accord.domain.resolution.x_plan_candidate__mutmut_2": ('"WEIGH"', _ONLY_REVIEW),
    "accord.domain.resolution.x_plan_candidate__mutmut_25": ("or True", "by_id.get(None) is None"),
    "accord.domain.resolution.x__ops__mutmut_39": (
        "or decision.merged_content",
        "an invariant check: a merge always has a target and merged content",
    ),
    "accord.domain.resolution.x__ops__mutmut_119": (
        "AssertionError(None)",
        "the message of an unreachable branch",
    ),
    "accord.domain.resolution.x_plan_candidate__mutmut_36": (
        "related, None)),))",
        "a past value comes only from a dated statement, whose own said_at _past_value reads first",
    ),
    "accord.domain.resolution.x__reweigh__mutmut_21": (
        "<= 1e-9",
        "importances are kept to six decimals: a difference is 0 or about 1e-6, never exactly 1e-9",
    ),
    # safety
    "accord.domain.safety.x__host__mutmut_9": (
        'else "XXXX"',
        "a host without a dot is dropped just after, and XXXX has none",
    ),
    # coherence
    "accord.domain.coherence.x_without_repeats__mutmut_18": (
        "(mine == other and j >= i)",
        "j == i is skipped just before, so j >= i and j > i differ nowhere",
    ),
    "accord.domain.coherence.x_without_repeats__mutmut_24": (
        "gone.add(None)",
        "skipping gone memories only saves work: absorbing into a gone one follows its chain to the same "
        "memory, and no two memories can absorb each other (that needs j < i and i < j)",
    ),
    "accord.domain.coherence.x_coherent__mutmut_12": (
        '"XXXX"',
        "no turn is derived from an empty message id (the store reads only memories with one)",
    ),
}


@dataclass
class Score:
    module: str
    total: int = 0
    killed: int = 0
    equivalent: int = 0
    wording: int = 0
    survivors: list[tuple[str, str, str]] = field(default_factory=list)  # (name, status, diff)
    unused: list[str] = field(default_factory=list)  # EQUIVALENT entries that matched no survivor
    seconds: float = 0.0
    unchecked: int = 0  # mutants the time budget left untested (then the score is partial)

    @property
    def counted(self) -> int:
        return self.total - self.equivalent - self.wording - self.unchecked

    @property
    def ratio(self) -> float:
        return self.killed / self.counted if self.counted else 1.0


def _git(*args: str) -> str | None:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def default_base() -> str | None:
    head = _git("rev-parse", "HEAD")
    base = _git("merge-base", "HEAD", "origin/main")
    if base is None or base == head:
        # On main itself (CI's clone) the change is the last commit.
        return _git("rev-parse", "--verify", "--quiet", "HEAD~1")
    return base


def touched_modules(base: str) -> list[Module]:
    changed = _git("diff", "--name-only", base)
    if changed is None:
        sys.exit(f"mutation: cannot diff against {base!r}")
    untracked = _git("ls-files", "--others", "--exclude-standard") or ""
    paths = {ROOT / p for p in (changed + "\n" + untracked).split() if p}
    out = []
    for module in MODULES.values():
        files = {SRC / module.source, *module.test_files()}
        if paths & files:
            out.append(module)
    return out


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _stage(module: Module, where: Path) -> list[str]:
    """Lay out src/accord, the module's tests and a pyproject.toml in ``where``."""
    shutil.copytree(SRC / "accord", where / "src" / "accord", ignore=shutil.ignore_patterns("__pycache__"))
    (where / "tests").mkdir()
    shutil.copy2(ROOT / "tests" / "conftest.py", where / "tests" / "conftest.py")
    tests = []
    for path in module.test_files():
        rel = path.relative_to(ROOT)
        (where / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, where / rel)
        tests.append(str(rel))
    if not tests:
        sys.exit(f"mutation: no tests for {module.name} ({', '.join(module.test_globs)})")
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    mutmut = dict(root.get("mutmut", {}))
    mutmut.update(
        source_paths=["src"],
        only_mutate=[f"src/{module.source}"],
        pytest_add_cli_args_test_selection=tests,
    )
    lines = ["[tool.pytest.ini_options]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in root["pytest"]["ini_options"].items() if k != "testpaths"]
    lines += ['testpaths = ["tests"]', "", "[tool.mutmut]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in mutmut.items()]
    (where / "pyproject.toml").write_text("\n".join(lines) + "\n")
    return tests


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # mutmut puts mutants/src first


def _mutmut(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=where,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def _mutmut_run(where: Path, max_children: int | None, seconds: float | None) -> tuple[int | None, str]:
    """``mutmut run``, stopped after ``seconds``: (exit status, or None when stopped; output).

    mutmut records each mutant's result as it comes, so a stopped run still tells how far it got.
    It runs in its own process group, so stopping it also stops its workers.
    """
    args = [sys.executable, "-m", "mutmut", "run"]
    if max_children:
        args += ["--max-children", str(max_children)]
    proc = subprocess.Popen(
        args,
        cwd=where,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=seconds)
        return proc.returncode, out
    except subprocess.TimeoutExpired:
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, None)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                out, _ = proc.communicate(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            out = ""
        return None, out or ""


_RESULT = re.compile(r"^\s+(\S+__mutmut_\d+): (.+)$")
_LITERAL = re.compile(r"\"[^\"]*\"|'[^']*'")


def changed_lines(diff: str) -> tuple[str, str]:
    """The removed and the added line of a one-line mutant's diff."""
    old = [ln[1:] for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    new = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    return "\n".join(old), "\n".join(new)


def rewords_a_message(old: str, new: str) -> bool:
    """Does the mutant only re-case or XX-wrap a prose string (one with a space: a message)?

    Messages are for people; tests pin what they name (the field at fault, the options),
    not their wording, so such mutants are not scored. Identifiers, keys and format names
    have no spaces and stay scored.
    """
    for match in _LITERAL.finditer(old):
        literal = match.group()
        if " " not in literal:
            continue
        body = literal[1:-1]
        for variant in (f"XX{body}XX", body.upper(), body.lower()):
            if variant != body and old[: match.start() + 1] + variant + old[match.end() - 1 :] == new:
                return True
    return False


def still_matches(fragment: str, old: str, new: str) -> bool:
    """Is a listed survivor still the same mutant? Its fragment is in the mutated line, or, for a
    mutant that deletes a line, ``"- " + a fragment of the deleted line``."""
    if fragment.startswith("- "):
        return not new.strip() and fragment[2:] in old
    return fragment in new


def run_module(
    module: Module, keep: Path | None, *, max_children: int | None = None, seconds: float | None = None
) -> Score:
    """Run mutmut on one module for at most ``seconds``; a stopped run scores what it checked."""
    score = Score(module.name)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"accord-mutation-{module.name}-") as tmp:
        where = keep / module.name if keep else Path(tmp)
        if keep:
            shutil.rmtree(where, ignore_errors=True)
            where.mkdir(parents=True)
        _stage(module, where)
        status, output = _mutmut_run(where, max_children, seconds)
        if status not in (0, None):
            sys.stdout.write(output[-8000:])
            sys.exit(f"mutation: mutmut failed on {module.name} (exit {status})")
        results = _mutmut(where, "results", "--all", "true").stdout
        matched: set[str] = set()
        for line in results.splitlines():
            match = _RESULT.match(line)
            if not match:
                continue
            name, status = match.groups()
            score.total += 1
            if status in ("killed", "timeout", "caught by type check"):
                score.killed += 1
                continue
            if status == "not checked":  # the time budget stopped the run first
                score.unchecked += 1
                continue
            old, new = changed_lines(_mutmut(where, "show", name).stdout)
            if rewords_a_message(old, new):
                score.wording += 1
                continue
            known = EQUIVALENT.get(name)
            if known and still_matches(known[0], old, new):
                score.equivalent += 1
                matched.add(name)
                continue
            score.survivors.append((name, status, f"- {old.strip()}\n+ {new.strip()}"))
        prefix = module.source.removesuffix(".py").replace("/", ".") + "."
        score.unused = sorted(n for n in EQUIVALENT if n.startswith(prefix) and n not in matched)
    score.seconds = time.monotonic() - started
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", help=f"modules to run (default: all): {', '.join(MODULES)}")
    parser.add_argument("--changed", action="store_true", help="only the modules the change touched")
    parser.add_argument("--base", help="revision to compare with (default: merge-base with origin/main)")
    parser.add_argument("--keep", type=Path, help="keep each module's staging folder under this path")
    parser.add_argument("--quiet", action="store_true", help="do not print the survivors' diffs")
    parser.add_argument(
        "--max-children",
        type=int,
        help=f"mutants run at a time (default: {FAST_MAX_CHILDREN} with --changed, else one per core)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="SECONDS",
        help=f"stop and fail after this long, with the figures reached (default: {FAST_BUDGET_SECONDS} "
        "with --changed, else none)",
    )
    args = parser.parse_args(argv)
    unknown = [n for n in args.modules if n not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(MODULES)}")

    if args.changed:
        base = args.base or default_base()
        if base is None:
            print("mutation: no base revision to compare with; nothing to do")
            return 0
        modules = touched_modules(base)
        if not modules:
            print(f"mutation: no rule module touched since {base[:12]}; nothing to do")
            return 0
        print(f"mutation: modules touched since {base[:12]}: {', '.join(m.name for m in modules)}")
    else:
        modules = [MODULES[n] for n in args.modules] if args.modules else list(MODULES.values())

    max_children = args.max_children or (FAST_MAX_CHILDREN if args.changed else None)
    budget = args.budget if args.budget is not None else (FAST_BUDGET_SECONDS if args.changed else None)
    started = time.monotonic()
    scores: list[Score] = []
    for module in modules:
        left = None if budget is None else budget - (time.monotonic() - started)
        if left is not None and left <= 0:
            break
        score = run_module(module, args.keep, max_children=max_children, seconds=left)
        scores.append(score)
        partial = (
            f", stopped by the time budget with {score.unchecked} of {score.total} unchecked"
            if score.unchecked
            else ""
        )
        print(
            f"{module.name:15} {score.killed:4d} / {score.counted:4d} killed  {score.ratio:7.1%}"
            f"  ({score.equivalent} equivalent, {score.wording} message wording not scored, {score.seconds:.0f} s{partial})",
            flush=True,
        )
        if not args.quiet:
            for name, status, diff in score.survivors:
                print(f"  {status}: {name}\n" + "".join(f"      {ln}\n" for ln in diff.splitlines()))
            for name in score.unused if not score.unchecked else ():
                print(f"  listed as equivalent but killed, timed out or changed (check EQUIVALENT): {name}")
    below = [s.module for s in scores if s.ratio < TARGET]
    cut = [s.module for s in scores if s.unchecked]
    skipped = [m.name for m in modules[len(scores) :]]
    if cut or skipped:
        print(
            f"mutation: FAILED: the {budget:.0f} s time budget ran out after {time.monotonic() - started:.0f} s"
            + (f"; stopped in: {', '.join(cut)} (scores above are over the mutants checked)" if cut else "")
            + (f"; not run: {', '.join(skipped)}" if skipped else "")
            + ". Run them without the budget locally: python scripts/mutation.py "
            + " ".join(cut + skipped)
        )
        return 1
    if below:
        print(f"mutation: below the {TARGET:.0%} target: {', '.join(below)}")
        return 1
    print(f"mutation: every module at or above the {TARGET:.0%} target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
