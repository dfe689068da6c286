"""Who may see and do what: the only package that knows roles.

policy.py holds the scopes and the named permissions, with no Flask, for services, imports and
the command line; web.py is the thin Flask layer over it (decorators, *_or_404, the signed-in
user). This file imports neither, so importing the policy never brings Flask in.
"""
