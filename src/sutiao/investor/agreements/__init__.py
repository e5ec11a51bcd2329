"""The mediation agreement (调解协议; issue 11 §1, §3; LEGAL-RULES L10): drafted and versioned by the mediator in the
mediation workspace, frozen for signing, in force once every party signed, then performed term by term. Its
actions are in investor/actions/agreements.py."""
