"""The registry of mediation organisations and mediators (notice §4(3)): identity numbers at rest, the
input checks a form, the API and an Excel row share, the versioned history, and the cards sent to courts."""
