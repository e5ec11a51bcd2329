"""Registers the court platform's inbound effects and hooks with the docking (registration lines only: the
effects are in inbound.py, reads in selectors.py, scheduled actions in actions/)."""

from sutiao.docking import hooks
from sutiao.docking.schemas import MessageType
from sutiao.jobs.schedule import periodic
from sutiao.workdays.selectors import provides_provisional_deadlines
from sutiao.workdays.services import year_loaded

from . import inbound, selectors
from .actions import confirmation, delegation, personal_data

hooks.handles(MessageType.ROSTER_PROPOSED)(inbound.on_roster_proposed)
hooks.handles(MessageType.ROSTER_CHANGED)(inbound.on_roster_changed)
hooks.handles(MessageType.DELEGATION_ANSWER)(inbound.on_delegation_answer)
hooks.handles(MessageType.MEDIATOR_ASSIGNED)(inbound.on_mediator_assigned)
hooks.handles(MessageType.MEDIATION_RESULT)(inbound.on_mediation_result)
hooks.handles(MessageType.RESULT_CORRECTED)(inbound.on_result_corrected)
hooks.handles(MessageType.ROSTER_ADOPTION_ANSWER)(inbound.on_roster_adoption_answer)
hooks.handles(MessageType.MEDIATION_PERIOD)(inbound.on_mediation_period)
hooks.handles(MessageType.MEDIATION_SESSION)(inbound.on_mediation_session)
hooks.handles(MessageType.MEDIATOR_RECUSAL)(inbound.on_mediator_recusal)
hooks.handles(MessageType.AGREEMENT_STATUS)(inbound.on_agreement_status)
hooks.handles(MessageType.CONFIRMATION_APPLIED)(inbound.on_confirmation_applied)
hooks.on_delivered(MessageType.DELEGATE)(inbound.on_delegate_delivered)
hooks.on_parked(MessageType.DELEGATE)(inbound.on_delegate_parked)
hooks.on_parked(MessageType.CASE_CORRECTED)(inbound.on_correction_parked)
hooks.on_parked(MessageType.ROSTER_ADOPTION_REQUESTED)(inbound.on_roster_adoption_request_parked)
hooks.lists_courts(selectors.court_cards)
hooks.reports_case_states(selectors.delegation_states)
hooks.counts_delegations(selectors.delegation_statistics)
hooks.counts_adoption(selectors.adoption_statistics)
hooks.counts_cases_by_region(selectors.cases_by_region_statistics)
provides_provisional_deadlines("court")(selectors.provisional_answer_deadlines)
periodic("flag_overdue_answers")(delegation.flag_overdue_answers)
periodic("fetch_online_confirmations", every=None)(confirmation.fetch_online_applications)
periodic("purge_personal_data", every="SUTIAO_RETENTION_SECONDS")(personal_data.purge_personal_data)
year_loaded.connect(delegation.recompute_deadlines, dispatch_uid="court-recompute-deadlines")
