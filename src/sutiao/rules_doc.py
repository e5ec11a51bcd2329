"""docs/rules.md, generated: each rule of the register (sutiao.kernel.rules) → where the code applies it → the
tests that name it; and the rules not implemented yet.

    python -m sutiao.rules_doc            # rewrite docs/rules.md
    python -m sutiao.rules_doc --check    # exit 1 when docs/rules.md is stale

"Where applied" is found by reading src/: every function (or module) whose code, comments or docstrings name
the rule's id or one of the identifiers the register lists for it. "Tests" are the test functions whose name
(test_l21_…) or docstring names the id, and the test modules whose docstring does. The output depends only
on the files, so running it twice gives the same text.
"""

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from sutiao.kernel.calendar import PeriodRule
from sutiao.kernel.rules import NOT_IMPLEMENTED, RULES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rules.md"
# The register itself and this generator name every id; they define, not apply.
_SKIP = {"sutiao/kernel/rules.py", "sutiao/rules_doc.py"}


def id_pattern(rule_id: str) -> re.Pattern:
    return re.compile(rf"(?<![\w]){re.escape(rule_id)}(?!\d)")


def _ids_in_test_name(name: str) -> set[str]:
    return {f"L{n}" for n in re.findall(r"(?:^|_)l(\d+)(?=_|$)", name.lower())}


@dataclass(frozen=True)
class Scope:
    start: int
    end: int
    qualname: str


def _scopes(tree: ast.AST) -> list[Scope]:
    scopes: list[Scope] = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                scopes.append(Scope(child.lineno, child.end_lineno or child.lineno, name))
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return scopes


def _innermost(scopes: list[Scope], line: int) -> str | None:
    inside = [s for s in scopes if s.start <= line <= s.end]
    return max(inside, key=lambda s: s.start).qualname if inside else None


def _python_files(base: Path):
    return sorted(p for p in base.rglob("*.py") if "migrations" not in p.parts)


def applied_in(src: Path = ROOT / "src") -> dict[str, list[str]]:
    """rule id → sorted `module:function` (or `module`) naming it or one of its identifiers."""
    patterns = {
        rule.id: [id_pattern(rule.id), *(re.compile(rf"\b{re.escape(n)}\b") for n in rule.names)]
        for rule in RULES.values()
    }
    found: dict[str, set[str]] = {rule_id: set() for rule_id in RULES}
    for path in _python_files(src / "sutiao"):
        relative = path.relative_to(src).as_posix()
        if relative in _SKIP:
            continue
        text = path.read_text(encoding="utf-8")
        module = relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        scopes = _scopes(ast.parse(text))
        for number, line in enumerate(text.splitlines(), start=1):
            for rule_id, pats in patterns.items():
                if any(p.search(line) for p in pats):
                    where = _innermost(scopes, number)
                    found[rule_id].add(f"{module}:{where}" if where else module)
    return {rule_id: sorted(places) for rule_id, places in found.items()}


def tests_naming(tests: Path = ROOT / "tests") -> dict[str, list[str]]:
    """rule id → sorted tests naming it: `path::test` (name or docstring) or `path` (module docstring)."""
    found: dict[str, set[str]] = {}

    def ids_in(text: str | None) -> set[str]:
        return set(re.findall(r"(?<![\w])(L\d+)(?!\d)", text or ""))

    for path in _python_files(tests):
        relative = path.relative_to(tests.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for rule_id in ids_in(ast.get_docstring(tree)):
            found.setdefault(rule_id, set()).add(relative)

        def visit(node, inherited: set[str], prefix: str, relative=relative):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ClassDef):
                    visit(child, inherited | ids_in(ast.get_docstring(child)), f"{prefix}{child.name}::")
                elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name.startswith("test"):
                    ids = inherited | ids_in(ast.get_docstring(child)) | _ids_in_test_name(child.name)
                    for rule_id in ids:
                        found.setdefault(rule_id, set()).add(f"{relative}::{prefix}{child.name}")

        visit(tree, set(), "")
    return {rule_id: sorted(names) for rule_id, names in found.items()}


def stray_mentions(src: Path = ROOT / "src") -> list[str]:
    """Places in src/ that cite a rule listed as not implemented: a rule is implemented or listed, never both."""
    stray = []
    for path in _python_files(src / "sutiao"):
        relative = path.relative_to(src).as_posix()
        if relative in _SKIP:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stray += [
                f"{relative}:{number}: {rule_id}" for rule_id in NOT_IMPLEMENTED if id_pattern(rule_id).search(line)
            ]
    return stray


def _describe(value) -> str:
    if isinstance(value, PeriodRule):
        unit = "working days" if value.working_days else "days"
        return f"{value.code}: {value.length} {unit} ({value.citation})"
    if isinstance(value, dict):
        return "; ".join(f"{key} = {_describe(v)}" for key, v in value.items())
    if isinstance(value, tuple | list):
        return "; ".join(_describe(v) for v in value)
    return str(value)


def _qualname(function) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def _order(rule_id: str) -> int:
    return int(rule_id[1:])


def render() -> str:
    applied, tests = applied_in(), tests_naming()
    out = [
        "# Rules register",
        "",
        "Each rule of `../shared/docs/LEGAL-RULES.md` that the software enforces, defined once in",
        "`src/sutiao/kernel/rules.py` (`RULES`): its citation, its value, the kernel function that decides it,",
        "where the code applies it (functions naming its id or its identifiers) and the tests naming it.",
        "",
        "Generated by `python -m sutiao.rules_doc` (`make rules-doc`); do not edit by hand —",
        "`tests/unit/test_rules_register.py` fails when this file is stale.",
        "",
        "## Implemented",
    ]
    for rule_id in sorted(RULES, key=_order):
        rule = RULES[rule_id]
        out += ["", f"### {rule.id} — {rule.summary}", "", f"- Citation: {rule.citation}"]
        if rule.outside_law:
            out.append(f"- Cited from outside docs/law/: {rule.outside_law}")
        if rule.value is not None:
            out.append(f"- Value: {_describe(rule.value)}")
        out.append(f"- Decided by: `{_qualname(rule.applies)}`")
        out.append("- Applied in:")
        out += [f"  - `{place}`" for place in applied[rule_id]] or ["  - (nowhere yet)"]
        out.append("- Tests:")
        out += [f"  - `{name}`" for name in tests.get(rule_id, [])] or ["  - (none)"]
    out += ["", "## Not implemented yet", "", "| id | rule |", "|---|---|"]
    out += [f"| {rule_id} | {NOT_IMPLEMENTED[rule_id]} |" for rule_id in sorted(NOT_IMPLEMENTED, key=_order)]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is stale: run python -m sutiao.rules_doc", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
