"""Forms of the investor platform's pages. They collect what was typed; the actions check it (the same rules
as for the API and an Excel row) and `sutiao.forms_actions` shows a refusal on the field it names."""
