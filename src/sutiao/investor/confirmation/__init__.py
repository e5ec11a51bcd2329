"""The parties' joint online application for judicial confirmation of their agreement (issue 11 §4), as the
investor platform keeps it: who joined, the court chosen, what the court decided, and its sealed ruling."""
