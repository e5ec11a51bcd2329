"""Text written to a spreadsheet cell. A cell whose text starts with = + - @ (or a tab or carriage return) is read
by spreadsheet programs as a formula — a name like `=HYPERLINK(...)` typed on a form would run on the desk of
whoever opens the export ("formula injection", OWASP). Every export writes its cells through `safe_cell`."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value):
    """`value` as an exported cell holds it: text that would start a formula gets a leading apostrophe, so it
    stays text; numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def unescaped(text: str) -> str:
    """Text read back from a cell, without the apostrophe `safe_cell` added (an exported file imported again)."""
    if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
