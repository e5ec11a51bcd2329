"""Excel import and export of the registry (openpyxl, DESIGN.md §6).

An import is whole or nothing: the worker first checks every row of the file (the same `clean_org` /
`clean_mediator` a form and the API use, plus duplicates within the file and against the registry) and
collects every error with its Excel row, column and reason; only a file without a single error is written,
in one transaction, each record with its version 1. An export has the import's layout, so an exported file
can be edited and imported again (identity numbers leave the platform masked and must be filled in whole).

layout (columns and labels) · reading (cells, headers) · workbook (template and export) · upload (the checks
at upload) · rows (the row parser) · runner (the worker's entry point and progress)."""
