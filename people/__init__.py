"""People: accounts, personal tokens, what each may read and change, the front ends' signing
keys, invitations and the example people of a trial installation."""
