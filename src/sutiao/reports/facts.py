"""The narrow interface through which a platform feeds its case facts to the reports. The reports app imports
neither platform: each platform registers one `FactSource` (in its `reports.py`, at start-up) that maps its own
models to the columns below, scoped to what the viewer may see under that platform's `permissions`.

Columns every fact row carries (a QuerySet of the platform's delegation rows, annotated or aliased):

- ``r_received``  datetime — the organisation received the delegation (委派/委托); the period is taken from it
- ``r_answered``  datetime or null — the organisation accepted or did not accept
- ``r_due``       date or null — the last day to answer (LEGAL-RULES L4)
- ``r_declined``  bool — the organisation did not accept (不予接受, including a refusal of the message for good)
- ``r_recalled``  bool — the court recalled the delegation
- ``r_outcome``   MediationOutcome value or "" — the mediation's result
- ``r_concluded`` datetime or null — the result was recorded

- ``d_case_number`` str — the court's case number, for the list of cases behind a figure

Columns a platform provides only if it holds the facts (it declares which in `FactSource.columns`; a figure that
needs a column the platform does not provide is shown there as 本平台无此数据, never computed as 0):

- ``r_first_session``  datetime or null — the mediation's first session was held (investor)
- ``r_extensions``     int — extensions of the mediation period granted (investor)
- ``r_ground``         TerminationGround value or "" — the ground the mediation ended on (both)
- ``r_terms``          int — the terms of the agreement in force, 0 without one (investor)
- ``r_terms_open``     int — of those, the terms whose performance is not confirmed (investor)
- ``r_terms_last_due`` date or null — the last due date of those terms (investor)
- ``r_amount_agreed``  decimal or null — the sum of those terms' amounts (investor)
- ``r_amount_paid``    decimal or null — the sum of the amounts of the terms performed (investor)
- ``r_survey_answers`` int — the parties' answers to the satisfaction survey (investor)
- ``r_survey_points``  int or null — the sum of their scores, three per answer (investor)
- ``r_confirmation_applied`` bool — the case has an application for judicial confirmation (court)
- ``r_confirmation_valid``   bool — the court ruled an application on the case valid (court)
- ``r_document_issued``      bool — the court issued a 民事调解书 on the delegation (court)

and, for grouping and filtering, a key and a name for each dimension the platform knows (`Dimension`):
``d_<dimension>`` and ``d_<dimension>_name``."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class Dimension:
    """A way to group and filter the figures: `key` names the columns ``d_<key>`` and ``d_<key>_name``."""

    key: str
    label: Promise


# The columns every platform's fact rows carry.
COMMON = frozenset({"r_received", "r_answered", "r_due", "r_declined", "r_recalled", "r_outcome", "r_concluded"})


class FactSource(Protocol):
    platform: str
    dimensions: tuple[Dimension, ...]
    # The r_* columns its fact rows carry: COMMON and those of its own facts (see above).
    columns: frozenset[str]

    def facts(self, user) -> QuerySet:
        """The fact rows the user may see; PermissionDenied if the user has no dashboard."""

    def public_facts(self) -> QuerySet:
        """Every fact row, for the public statistics page (figures only, no case is shown)."""

    def sees_everything(self, user) -> bool:
        """Whether `facts(user)` is every fact row: who reads the platform-wide periodic reports, and who keeps
        the evaluation schemes."""

    def overseers(self, dimension: str, keys: Iterable[str]) -> dict[str, list]:
        """The users told when an organisation or mediator falls below an evaluation's threshold, by key."""

    def reaches(self, user, dimension: str, key: str) -> bool:
        """Whether the user may see the figures of that organisation, mediator, office or court. A dimension that is
        nobody's to see (a dispute type, a region) only narrows the user's own facts: True."""

    def choices(self, user, dimension: str) -> Iterable[tuple[str, str]]:
        """The (key, name) pairs the user may filter by."""

    def case_link(self, user, row) -> str:
        """The URL of the case page behind a fact row, or "" when the user may not open it."""

    def names(self, dimension: str, keys: Iterable[str]) -> dict[str, str]:
        """The names of those keys of a dimension ("court" or "organisation"), looked up by key: for a page that
        shows a few of them (the joint meeting's reconciliation lines), never a DISTINCT over every fact. A key
        the platform does not know is left out (the page shows the key)."""


_sources: list[FactSource] = []


def register(source: FactSource) -> FactSource:
    """Called once by the platform at start-up (its AppConfig.ready)."""
    _sources[:] = [source]
    return source


def source() -> FactSource:
    if not _sources:
        raise LookupError("no fact source registered: the platform's reports module was not loaded")
    return _sources[0]


def names_by_id(models: dict, dimension: str, keys) -> dict[str, str]:
    """A FactSource's `names`: the names of the rows of `models[dimension]` whose ids are among `keys` (keys that
    are not ids — the peer's rows name its ids — are not looked up); {} for a dimension without a model."""
    model = models.get(dimension)
    ids = []
    for key in keys:
        try:
            ids.append(uuid.UUID(str(key)))
        except ValueError:
            continue
    if model is None or not ids:
        return {}
    return {str(k): n for k, n in model.objects.filter(pk__in=ids).values_list("pk", "name")}
