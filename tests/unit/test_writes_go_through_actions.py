"""Views and API endpoints write nothing themselves: every write goes through an action (DESIGN.md §3), so
permission, transition, audit record and docking message always travel together. The check reads the
source of every view and API module of both platforms and refuses a call to a manager's or a model's
writing methods."""

import ast
from pathlib import Path

import sutiao

SRC = Path(sutiao.__file__).parent
WRITES = {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "update", "delete", "save"}


def _interface_modules():
    for platform in ("court", "investor", "accounts", "workdays", "docking", "audit", "jobs", "notifications"):
        root = SRC / platform
        if not root.exists():
            continue
        for path in sorted(root.rglob("*.py")):
            name = path.stem
            if "views" in name or name == "api" or name.endswith("_api") or path.parent.name in ("views", "api"):
                yield path


def _writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            target = ast.unparse(node.func.value)
            # form.save() of a ModelForm would write too; dict.update / set.update / session are not writes
            if node.func.attr == "update" and not (".objects" in target or target.endswith(")")):
                continue
            if node.func.attr == "delete" and "session" in target:
                continue
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node.func)}")
    return found


def test_views_and_api_modules_write_only_through_actions():
    offences = [line for path in _interface_modules() for line in _writes(path)]
    assert not offences, "writes outside actions:\n" + "\n".join(offences)
