"""诉调通 — the “总对总” securities and futures litigation–mediation docking (法办〔2021〕313号)."""
