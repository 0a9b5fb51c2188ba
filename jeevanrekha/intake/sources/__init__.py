"""One folder per intake channel; each has parse.py and fixtures/ (house rule 5)."""
