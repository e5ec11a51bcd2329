"""docs/permission-matrix.md is the permission matrices as they are (python -m sutiao.access_doc), and the
matrices speak only of known actors, each rule used by some page or operation."""

from sutiao import access_doc
from sutiao.accounts.access import Actor
from sutiao.court import access as court
from sutiao.investor import access as investor


def test_the_document_is_current():
    assert access_doc.main(["--check"]) == 0, "run: python -m sutiao.access_doc"


def test_every_rule_names_known_actors_and_is_used():
    for module in (court, investor):
        used = {(e.kind, e.action) for e in module.ENDPOINTS.values()} | {("admin", "use")}
        for key, reach in module.RULES.items():
            assert set(reach) <= set(Actor), key
            assert key in used, f"{module.__name__}: rule {key} is no page's or operation's"
