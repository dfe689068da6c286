"""Use cases: load with SQL, call rules, write. They never commit: their caller does, once."""
