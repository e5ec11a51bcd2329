"""The “总对总” docking protocol, v1 (DESIGN.md §4). Owned by neither platform; each registers its own
message handlers (hooks.py)."""
