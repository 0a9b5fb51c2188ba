#!/usr/bin/env python
"""Django's manage.py; `jeevanrekha` (jeevanrekha/cli.py) is the same thing, installed."""

from jeevanrekha.cli import main

if __name__ == "__main__":
    main()
