"""Background work of a platform, out of the request (DESIGN.md §3 `jobs/`):

- periodic work (`schedule.py`): jobs the apps register with `periodic(...)`, run by the platform's worker
  process on a scheduler of its own (the docking relay, feed pulls, deadline scans);
- user-started long work (`tasks.py`): django-tasks with its database backend, so a task outlives the
  request that started it and any worker process — the platform's own, or any number of `db_worker`s
  added without a code change — may run it. A task stores its progress on the record it works for (an
  import job: rows checked of rows), which the page polls.

Imports neither platform: each registers its own jobs and tasks."""
