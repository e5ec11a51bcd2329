"""Pure domain: no Django, no I/O. Kernel functions decide; services persist."""
