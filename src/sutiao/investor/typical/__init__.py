"""Typical cases (典型案例): proposed, de-identified, reviewed and published (issue 13 §7)."""
