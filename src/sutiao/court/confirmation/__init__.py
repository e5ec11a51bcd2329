"""Judicial confirmation of mediation agreements at the court (司法确认; issue 11 §4; LEGAL-RULES L11–L14, L18)."""
