"""Pages of the investor platform: thin, reads from `selectors`, every change through an action, refusals shown
with `sutiao.forms_actions`."""
