"""The court platform's actions: one function per user-visible action, each one transaction that checks the
permission, applies the kernel's transition, writes the audit record and queues the docking message
(DESIGN.md §3). Views, the API, admin, commands and inbound effects call these; nothing else writes."""
