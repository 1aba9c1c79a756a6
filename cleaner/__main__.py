"""`python -m cleaner` is the `cleaner` command."""

from cleaner.cli.main import main

raise SystemExit(main())
