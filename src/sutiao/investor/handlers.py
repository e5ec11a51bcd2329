"""What the investor platform registers with the docking: the effect of each message type from the courts
(`inbound`), its periodic work and its reconciliation report. Registration lines only."""

from sutiao.docking import hooks
from sutiao.docking.schemas import MessageType
from sutiao.jobs.schedule import periodic
from sutiao.workdays.selectors import provides_provisional_deadlines
from sutiao.workdays.services import year_loaded

from . import inbound, selectors
from .actions import agreements, applications, confirmation, mediation, personal_data
from .excel import runner

hooks.handles(MessageType.DELEGATE)(inbound.on_delegate)
hooks.handles(MessageType.DELEGATION_WITHDRAWN)(inbound.on_delegation_withdrawn)
hooks.handles(MessageType.CASE_CORRECTED)(inbound.on_case_corrected)
hooks.handles(MessageType.ROSTER_DECISION)(inbound.on_roster_decision)
hooks.handles(MessageType.ROSTER_REMOVED)(inbound.on_roster_removed)
hooks.handles(MessageType.ROSTER_ADOPTION_REQUESTED)(inbound.on_roster_adoption_requested)
hooks.on_parked(MessageType.ROSTER_PROPOSED)(inbound.on_roster_proposed_parked)
hooks.on_parked(MessageType.RESULT_CORRECTED)(inbound.on_result_correction_parked)
hooks.handles(MessageType.CONFIRMATION_DECIDED)(inbound.on_confirmation_decided)
hooks.on_parked(MessageType.CONFIRMATION_APPLIED)(inbound.on_confirmation_applied_parked)
hooks.reports_case_states(selectors.delegation_states)
hooks.counts_delegations(selectors.delegation_statistics)
hooks.counts_adoption(selectors.adoption_statistics)
hooks.counts_cases_by_region(selectors.cases_by_region_statistics)
provides_provisional_deadlines("investor")(selectors.provisional_answer_deadlines)
periodic("pull_court_directory", every="SUTIAO_FEED_PULL_SECONDS")(inbound.pull_court_directory)
periodic("fail_interrupted_imports", every="SUTIAO_DEADLINE_SCAN_SECONDS")(runner.fail_interrupted)
periodic("purge_import_jobs", every="SUTIAO_DEADLINE_SCAN_SECONDS")(runner.purge_old_jobs)
periodic("flag_overdue_reviews", every="SUTIAO_DEADLINE_SCAN_SECONDS")(applications.flag_overdue_reviews)
year_loaded.connect(inbound.on_year_loaded, dispatch_uid="investor-recompute-deadlines")
periodic("remind_mediation_deadlines", every="SUTIAO_DEADLINE_SCAN_SECONDS")(mediation.remind_deadlines)
periodic("remind_agreement_performance", every="SUTIAO_DEADLINE_SCAN_SECONDS")(agreements.remind_performance)
periodic("purge_personal_data", every="SUTIAO_RETENTION_SECONDS")(personal_data.purge_personal_data)
periodic("fetch_confirmation_rulings", every=None)(confirmation.fetch_rulings)
