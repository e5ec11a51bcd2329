"""Background tasks on the live platforms: the investor platform's worker process runs the Excel import an
upload queued (django-tasks on the platform's own database), with nothing started beyond `make up`'s."""

from live import wait_for

QUEUE = """
from sutiao.accounts.models import User
from sutiao.investor.actions.registry import queue_import
from sutiao.investor.excel.workbook import template_workbook
from sutiao.investor.models import SubjectKind
bureau = User.objects.get(username="bureau")
content = template_workbook(SubjectKind.ORGANISATION)
print(queue_import(bureau, SubjectKind.ORGANISATION, "模板.xlsx", content).pk)
"""

STATE = """
from sutiao.investor.models import ImportJob
from sutiao.kernel.workflow import ImportState
job = ImportJob.objects.get(pk="{pk}")
print("failed:" if job.state == ImportState.FAILED else "not yet:", job.errors[0]["message"] if job.errors else "")
"""


def _shell(live, code: str) -> str:
    """What `code` printed last, run in the investor platform's shell."""
    return live.investor.manage("shell", "-v", "0", "-c", code).stdout.strip().splitlines()[-1]


def test_the_worker_runs_an_uploaded_import(live):
    job_id = _shell(live, QUEUE)
    # The template has no data rows: the worker runs the task and fails the job with that reason.
    state = wait_for(
        lambda: (out := _shell(live, STATE.format(pk=job_id))).startswith("failed:") and out,
        what="the import run by the worker",
    )
    assert "没有可导入的数据行" in state
