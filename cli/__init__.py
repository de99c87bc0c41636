"""The ``alliance`` command line (:mod:`cli.main`), above graph/ and web/."""
