"""The mediation of an accepted delegation or of a direct application: the mediator's workspace (issue 10
item 4), its data, reads and what the parties may see of it. Its actions are in investor/actions/mediation.py."""
