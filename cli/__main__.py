"""``python -m cli``: the ``alliance`` command."""

from cli.main import main

main()
