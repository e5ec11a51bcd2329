"""Registers the court platform's inbound effects and hooks with the docking (registration lines only: the
effects are in inbound.py, reads in selectors.py, scheduled actions in actions/)."""

from sutiao.docking import registry
from sutiao.workdays.services import year_loaded

from . import inbound, selectors
from .actions import delegation

registry.handles("ROSTER_PROPOSED")(inbound.on_roster_proposed)
registry.handles("ROSTER_CHANGED")(inbound.on_roster_changed)
registry.handles("DELEGATION_ANSWER")(inbound.on_delegation_answer)
registry.handles("MEDIATOR_ASSIGNED")(inbound.on_mediator_assigned)
registry.handles("MEDIATION_RESULT")(inbound.on_mediation_result)
registry.on_delivered("DELEGATE")(inbound.on_delegate_delivered)
registry.on_parked("DELEGATE")(inbound.on_delegate_parked)
registry.on_parked("ROSTER_ADOPTED")(inbound.on_roster_adopted_parked)
registry.lists_courts(selectors.court_cards)
registry.reports_case_states(selectors.delegation_states)
registry.periodic("flag_overdue_answers")(delegation.flag_overdue_answers)
year_loaded.connect(delegation.recompute_deadlines, dispatch_uid="court-recompute-deadlines")
