"""What a person asks of napreview, shared by the two doors (the command line and the portal).

Each function takes the store, a Temporal client where it needs one, and the acting person; a
rule, a refusal or a scope check lives here once."""
