"""What the investor platform registers with the docking: the effect of each message type from the courts
(`inbound`), its periodic work and its reconciliation report. Registration lines only."""

from sutiao.docking import registry
from sutiao.workdays.services import year_loaded

from . import inbound, selectors
from .excel import runner

registry.handles("DELEGATE")(inbound.on_delegate)
registry.handles("DELEGATION_WITHDRAWN")(inbound.on_delegation_withdrawn)
registry.handles("ROSTER_DECISION")(inbound.on_roster_decision)
registry.handles("ROSTER_REMOVED")(inbound.on_roster_removed)
registry.handles("ROSTER_ADOPTED")(inbound.on_roster_adopted)
registry.on_parked("ROSTER_PROPOSED")(inbound.on_roster_proposed_parked)
registry.periodic("pull_court_directory", every="SUTIAO_FEED_PULL_SECONDS")(inbound.pull_court_directory)
registry.periodic("run_queued_imports", every="SUTIAO_WORKER_POLL_SECONDS")(runner.run_queued_imports)
registry.reports_case_states(selectors.delegation_states)
year_loaded.connect(inbound.on_year_loaded, dispatch_uid="investor-recompute-deadlines")
